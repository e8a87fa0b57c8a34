import {
  createLogger,
  type InboundMessage,
  type KeyValueStore,
  SecretBox,
  type TurnResult,
  VirtualClock,
} from '@smmbot/core';
import { MemoryKeyValueStore } from '@smmbot/storage-memory';
import { BaileysChannel, type BaileysChannelOptions } from '../src/index.js';
import { fakeFactory } from './fake-socket.js';

export const SECRET = 'a-test-secret-that-is-at-least-32-characters';

export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, logger };
}

export async function makeChannel(
  extra: Partial<BaileysChannelOptions> = {},
  shared?: { kv: KeyValueStore; clock: VirtualClock },
) {
  const clock = shared?.clock ?? new VirtualClock();
  const kv = shared?.kv ?? new MemoryKeyValueStore(clock);
  const logs = captureLogs();
  const factory = fakeFactory();
  const printed: string[] = [];
  const channel = new BaileysChannel(
    {
      name: 'whatsapp',
      tenant: 'default',
      printQr: true,
      baileysLogLevel: 'silent',
      onWhatsAppCacheMs: 60_000,
      reconnect: { baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0 },
      ...extra,
    },
    {
      kv,
      secrets: new SecretBox(SECRET),
      logger: logs.logger,
      clock,
      createSocket: factory.createSocket,
      print: (t) => void printed.push(t),
      random: () => 0.5,
    },
  );
  const received: InboundMessage[] = [];
  channel.connect(async (m) => {
    received.push(m);
    return {} as TurnResult;
  });
  return { channel, clock, logs, factory, kv, received, printed };
}
