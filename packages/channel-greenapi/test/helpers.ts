import { type Clock, createLogger, type InboundMessage, SystemClock, type TurnResult } from '@smmbot/core';
import { GreenApiChannel, type GreenApiChannelOptions } from '../src/index.js';
import { ID_INSTANCE } from './events.js';

export const WEBHOOK_TOKEN = 'webhook-token-for-tests';
export const API_TOKEN = 'd75b3a66374942c5b3c019c698abc2067e151558acbd412345';

export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, logger };
}

/** A channel without an engine; `checkNumberCacheMs` is 60 s here. */
export function standalone(
  apiUrl: string,
  extra: Partial<GreenApiChannelOptions> = {},
  clock: Clock = new SystemClock(),
) {
  const logs = captureLogs();
  const options: GreenApiChannelOptions = {
    name: 'greenapi',
    tenant: 'default',
    idInstance: ID_INSTANCE,
    apiTokenInstance: API_TOKEN,
    apiUrl,
    webhookToken: WEBHOOK_TOKEN,
    webhookPath: '/webhooks/greenapi',
    timeoutMs: 5_000,
    checkNumberCacheMs: 60_000,
    checkStateOnStart: true,
    ...extra,
  };
  const channel = new GreenApiChannel(options, logs.logger, clock);
  const received: InboundMessage[] = [];
  channel.connect(async (m) => {
    received.push(m);
    return {} as TurnResult;
  });
  return { channel, received, logs };
}

export function post(body: unknown, auth: string | null = `Bearer ${WEBHOOK_TOKEN}`) {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    parsed = undefined;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== null) headers.authorization = auth;
  return { method: 'POST', path: '/webhooks/greenapi', params: {}, query: {}, headers, body: parsed, rawBody };
}
