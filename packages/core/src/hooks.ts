import {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  HookMap,
  SyncHook,
} from 'tapable';
import type { ParsedCommand } from './commands/types.js';
import type { SmmbotError } from './errors.js';
import type { InboundMessage, OutboundMessage, SendReceipt } from './message.js';
import type { JobRun } from './scheduler.js';
import type { TenantId } from './storage.js';
import type { DispatchAction, DispatchResult, Outcome, Turn, Verdict } from './turn.js';
import type { TurnResult } from './turn-runner.js';

/** Named stages for tap ordering: use these, never bare numbers. Lower runs first. */
export const Stage = { GUARD: -1000, PRE: -100, DEFAULT: 0, POST: 100, FALLBACK: 1000 } as const;

/** What flows through `boot`. */
export interface BootContext {
  signal: AbortSignal;
}

/** Context of the reply hook: the turn being answered, absent for scheduled and broadcast messages. */
export interface ReplyContext {
  turn?: Turn;
}

/**
 * Every hook of the engine, declared in one place (webpack's shape). Plugins receive tap-only views
 * of these through `PluginContext.hooks`; only the engine calls them.
 */
export function createHooks() {
  return {
    boot: new AsyncSeriesHook<[BootContext]>(['ctx'], 'boot'),
    inbound: new AsyncSeriesWaterfallHook<[InboundMessage, Turn]>(['message', 'turn'], 'inbound'),
    verify: new AsyncSeriesBailHook<[Turn], Verdict | undefined>(['turn'], 'verify'),
    command: new HookMap(
      (key: string) =>
        new AsyncSeriesBailHook<[Turn, ParsedCommand], Outcome | undefined>(['turn', 'command'], `command:${key}`),
      'command',
    ),
    dispatch: new AsyncSeriesBailHook<[DispatchAction, Turn], DispatchResult | undefined>(
      ['action', 'turn'],
      'dispatch',
    ),
    reply: new AsyncSeriesWaterfallHook<[OutboundMessage, ReplyContext]>(['message', 'context'], 'reply'),
    schedule: new HookMap((key: string) => new AsyncSeriesHook<[JobRun]>(['run'], `schedule:${key}`), 'schedule'),
    sent: new AsyncParallelHook<[SendReceipt]>(['receipt'], 'sent'),
    /** After every turn that got past dedupe (answered, silent, dropped or failed): message logs, metrics. */
    settled: new AsyncSeriesHook<[Turn, TurnResult]>(['turn', 'result'], 'settled'),
    error: new SyncHook<[SmmbotError, Turn | undefined]>(['error', 'turn'], 'error'),
    shutdown: new AsyncSeriesHook<[]>([], 'shutdown'),
    /** A workspace created at runtime (signup): per-tenant set-up (jobs, phones) for it. */
    tenantAdded: new AsyncSeriesHook<[TenantId]>(['tenant'], 'tenantAdded'),
  };
}

export type EngineHooks = ReturnType<typeof createHooks>;
export type HookName = keyof EngineHooks;
