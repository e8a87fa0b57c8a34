import { createRequire } from 'node:module';
import { SecretBox, SystemClock } from '@smmbot/core';
import { MemoryKeyValueStore } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { BaileysChannel, type ChannelStatus } from '../src/index.js';
import { captureLogs, SECRET } from './helpers.js';

/**
 * `ws` is not our dependency; it is Baileys' own. Resolve it the way Baileys does, or skip with a notice.
 */
function loadWs(): { WebSocketServer: new (o: { port: number; host: string }) => WsServer } | undefined {
  try {
    const req = createRequire(import.meta.url);
    return createRequire(req.resolve('@whiskeysockets/baileys'))('ws');
  } catch {
    return undefined;
  }
}

interface WsServer {
  on(event: 'connection', fn: (socket: { close(): void; terminate(): void }) => void): void;
  on(event: 'listening', fn: () => void): void;
  address(): { port: number };
  close(cb?: () => void): void;
  clients: Set<{ terminate(): void }>;
}

const ws = loadWs();
if (!ws) console.warn('[channel-baileys] SKIPPED the real makeWASocket test: the `ws` package does not resolve');

describe.skipIf(!ws)('real makeWASocket against a loopback WebSocket server', () => {
  it('a server-closed socket leads to the reconnect path (no WhatsApp handshake)', async () => {
    const server = new ws!.WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => server.on('listening', r));
    let connections = 0;
    server.on('connection', (socket) => {
      connections++;
      socket.close();
    });
    const clock = new SystemClock();
    const logs = captureLogs();
    const channel = new BaileysChannel(
      {
        name: 'whatsapp',
        tenant: 'default',
        printQr: false,
        baileysLogLevel: 'silent',
        onWhatsAppCacheMs: 1000,
        waWebSocketUrl: `ws://127.0.0.1:${server.address().port}/ws/chat`,
        connectTimeoutMs: 5_000,
        reconnect: { baseDelayMs: 50, maxDelayMs: 200, jitter: 0, maxAttempts: 1000 },
      },
      { kv: new MemoryKeyValueStore(clock), secrets: new SecretBox(SECRET), logger: logs.logger, clock },
    );
    const statuses: ChannelStatus[] = [];
    channel.onStatus((i) => statuses.push(i.status));
    try {
      await channel.start();
      const deadline = Date.now() + 15_000;
      while (connections < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(statuses).toContain('reconnecting');
      const first = channel.decisions[0]!;
      expect(first.decision.action).toBe('reconnect');
      expect(first.code).toBe(428);
    } finally {
      await channel.stop();
      for (const c of server.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
