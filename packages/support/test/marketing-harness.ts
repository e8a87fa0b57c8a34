import {
  createEngine,
  type InboundMessage,
  type OutboundMessage,
  type PluginInput,
  silentLogger,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { sqliteStorage } from '@smmbot/storage-sqlite';
import {
  GROUPS,
  type GroupRecord,
  MARKETING_JOB,
  MarketingScheduleToken,
  MarketingServiceToken,
  support,
} from '../src/index.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const T = 'default';

export interface MarketingEngineOptions {
  /** A SQLite file (to restart on the same data); in-memory storage otherwise. */
  path?: string;
  /** Where the virtual clock starts. */
  startAt?: number;
  botConfig?: Record<string, unknown>;
}

/**
 * A small engine for the marketing schedule: the support plugin on a virtual clock, with two fake
 * channels (`wa` and `tg`) and no panel (scheduled broadcasts need none). `owner-1` is the owner.
 */
export async function marketingEngine(options: MarketingEngineOptions = {}) {
  const clock = new VirtualClock(options.startAt ?? Date.UTC(2026, 10, 1, 12, 0, 0));
  const wa = new FakeChannel('wa', T, clock);
  const tg = new FakeChannel('tg', T, clock);
  const storage: PluginInput = options.path ? sqliteStorage({ path: options.path }) : memoryStorage();
  const engine = createEngine({
    clock,
    logger: silentLogger(),
    botConfig: () => ({ verification_enabled: false, ...options.botConfig }),
    plugins: [
      storage,
      wa.plugin(),
      tg.plugin(),
      support({ admins: [{ channel: 'wa', address: 'owner-1', role: 'owner' }] }),
    ],
  });
  await engine.start();
  const c = engine.container;
  const scheduler = c.resolve(Tokens.Scheduler);
  const groups = c.resolve(Tokens.Store).collection<GroupRecord>(GROUPS);
  let n = 0;

  return {
    engine,
    clock,
    wa,
    tg,
    scheduler,
    service: c.resolve(MarketingServiceToken),
    schedule: c.resolve(MarketingScheduleToken),
    config: c.resolve(Tokens.TenantConfig),
    /** Adds groups (`channel:chatId`) with the given flags; marketing on, support on, not silent by default. */
    async seedGroups(list: [string, Partial<GroupRecord>?][]) {
      for (const [id, flags] of list) {
        const [channel, chatId] = id.split(':') as [string, string];
        await groups.upsert(T, {
          id,
          channel,
          chatId,
          supportEnabled: true,
          marketingEnabled: true,
          silent: false,
          firstSeenAt: clock.now(),
          lastMessageAt: clock.now(),
          ...flags,
        });
      }
    },
    /** Every marketing message the channels were handed so far, in order. */
    marketingSent(): OutboundMessage[] {
      return [...wa.sent, ...tg.sent]
        .filter((m) => m.meta?.kind === 'marketing')
        .sort((a, b) => Number(a.meta?.slot) - Number(b.meta?.slot) || String(a.id).localeCompare(String(b.id)));
    },
    /** When the tenant's scheduled broadcast is due next. */
    nextRunAt(): number {
      const at = scheduler.nextRuns().find((r) => r.jobId === MARKETING_JOB && r.tenantId === T)?.at;
      if (at === undefined) throw new Error('the marketing job is not scheduled');
      return at;
    },
    /** Sends `text` to the bot in a private chat on `wa` and returns the texts sent back there. */
    async say(text: string, sender = 'owner-1'): Promise<string[]> {
      const before = wa.sent.length;
      const message: InboundMessage = {
        id: `m${++n}`,
        tenantId: T,
        channel: 'wa',
        chat: { id: sender, kind: 'private' },
        sender: { id: sender },
        text,
        sentAt: clock.now(),
      };
      await engine.handle(message);
      return wa.sent
        .slice(before)
        .filter((m) => m.chatId === sender)
        .map((m) => m.text);
    },
    stop: () => engine.stop(),
  };
}

export type MarketingEngine = Awaited<ReturnType<typeof marketingEngine>>;
