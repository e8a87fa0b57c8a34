import { type BotPlugin, createLogger, type InboundMessage, SystemClock, type TurnResult } from '@smmbot/core';
import { CloudApiChannel, type CloudApiChannelOptions, signCloudPayload } from '../src/index.js';
import { PHONE_NUMBER_ID } from './events.js';

export const APP_SECRET = 'app-secret-for-tests';
export const VERIFY_TOKEN = 'verify-me';
export const ACCESS_TOKEN = 'EAAG-access-token-secret';

export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, logger };
}

export function channelOptions(
  graphBaseUrl: string,
  extra: Partial<CloudApiChannelOptions> = {},
): CloudApiChannelOptions {
  return {
    name: 'whatsapp-cloud',
    tenant: 'default',
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    graphBaseUrl,
    webhookPath: '/webhooks/whatsapp-cloud',
    timeoutMs: 5_000,
    ...extra,
  };
}

/** A channel wired to a recording `receive` instead of an engine. */
export function standalone(graphBaseUrl: string, extra: Partial<CloudApiChannelOptions> = {}) {
  const logs = captureLogs();
  const channel = new CloudApiChannel(channelOptions(graphBaseUrl, extra), logs.logger, new SystemClock());
  const received: InboundMessage[] = [];
  channel.connect(async (m) => {
    received.push(m);
    return { turnId: 't', status: 'answered', replies: [] } as unknown as TurnResult;
  });
  return { channel, received, logs };
}

/** The request the host would build for a signed webhook POST. */
export function signedPost(body: unknown, secret = APP_SECRET, signature?: string | null) {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature ?? signCloudPayload(rawBody, secret);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    parsed = undefined;
  }
  return { method: 'POST', path: '/webhooks/whatsapp-cloud', params: {}, query: {}, headers, body: parsed, rawBody };
}

/** Answers every message with "got: <text>". */
export const echoPlugin: BotPlugin = {
  name: 'echo',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('echo', (turn) => ({ replies: [{ text: `got: ${turn.message.text}` }] })),
};
