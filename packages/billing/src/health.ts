import {
  type Channel,
  type ChannelRegistry,
  type Clock,
  PluginError,
  type SmmbotError,
  type TenantId,
  Tokens,
  type Turn,
} from '@smmbot/core';
import type { TenantServicesFn } from './options.js';
import type { Medium } from './types.js';

export interface ErrorEntry {
  at: number;
  code: string;
  /** The first line of the technical message, secrets masked, bounded. */
  message: string;
  plugin?: string;
  hook?: string;
  channel?: string;
}

export type PanelState = 'ok' | 'error' | 'timeout' | 'not_configured' | 'unknown';

export interface PanelHealth {
  state: PanelState;
  checked_at: number | null;
  latency_ms: number | null;
  error?: string;
}

export interface ChannelHealth {
  name: string;
  medium: Medium | null;
  /** The link state for account channels; `n/a` for channels without a login (webhooks, bots). */
  state: string;
  reason?: string;
  allowed: boolean;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/([?&](?:key|api_key|apikey|token|secret|password|access_token)=)[^&\s]+/gi, '$1***'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***'],
  [/\b(sk|rk|pk|whsec|smk)_[A-Za-z0-9_]+/g, '$1_***'],
  [/("?(?:key|api_key|apiKey|token|secret|password)"?\s*[:=]\s*)"?[^"\s,}]+"?/gi, '$1***'],
];

/** The first line of an error message with anything secret-looking masked, at most 200 characters. */
export function safeMessage(message: string): string {
  const first = message.split('\n').find((l) => l.trim() && !/^\s*at\s/.test(l)) ?? '';
  const masked = SECRET_PATTERNS.reduce((s, [re, to]) => s.replace(re, to), first.trim());
  return masked.length > 200 ? `${masked.slice(0, 197)}...` : masked;
}

export interface HealthDeps {
  clock: Clock;
  channels: ChannelRegistry;
  errorsPerTenant: number;
  timeoutMs: number;
  cacheMs: number;
  /** How a workspace's services are found (its panel). */
  tenantServices?: TenantServicesFn;
  /** The root container's services: the panel of workspaces without their own. */
  root: Pick<Turn['services'], 'has' | 'resolve'>;
  medium(channel: Channel): Medium | undefined;
}

/**
 * The runtime side of the master's health report: the last errors per workspace (from the engine's
 * `error` hook: code, plugin, hook and a masked first line; never a stack trace), each channel's
 * link state, and whether the workspace's panel answers a cheap call (short timeout, cached).
 */
export class HealthMonitor {
  private readonly errors = new Map<TenantId, ErrorEntry[]>();
  private readonly panels = new Map<TenantId, { value: PanelHealth; at: number } | Promise<PanelHealth>>();
  /** Services seen on turns: the exact container a workspace's turns use, when the host did not wire one. */
  private readonly seen = new Map<TenantId, Pick<Turn['services'], 'has' | 'resolve'>>();

  constructor(private readonly deps: HealthDeps) {}

  /** The `error` tap. */
  record(error: SmmbotError, turn: Turn | undefined): void {
    const tenant = turn?.tenantId ?? '__unknown__';
    const list = this.errors.get(tenant) ?? [];
    list.push({
      at: this.deps.clock.now(),
      code: error.code,
      message: safeMessage(error.message),
      ...(error instanceof PluginError ? { plugin: error.plugin, hook: error.hook } : {}),
      ...(turn ? { channel: turn.message.channel } : {}),
    });
    if (list.length > this.deps.errorsPerTenant) list.splice(0, list.length - this.deps.errorsPerTenant);
    this.errors.set(tenant, list);
  }

  /** Remembers the services a workspace's turns resolve from. */
  observe(turn: Turn): void {
    if (!this.seen.has(turn.tenantId)) this.seen.set(turn.tenantId, turn.services);
  }

  lastErrors(tenant: TenantId): ErrorEntry[] {
    return [...(this.errors.get(tenant) ?? [])].reverse();
  }

  channels(tenant: TenantId, allowed: (medium: Medium | undefined) => boolean): ChannelHealth[] {
    return this.deps.channels
      .all()
      .filter((c) => c.tenantId === tenant)
      .map((c) => {
        const link = c.link?.();
        const medium = this.deps.medium(c) ?? null;
        return {
          name: c.name,
          medium,
          state: link?.state ?? 'n/a',
          ...(link?.reason ? { reason: safeMessage(link.reason) } : {}),
          allowed: allowed(medium ?? undefined),
        };
      });
  }

  /** The panel check, reused for `cacheMs`; concurrent callers share one call. */
  async panel(tenant: TenantId): Promise<PanelHealth> {
    const now = this.deps.clock.now();
    const cached = this.panels.get(tenant);
    if (cached instanceof Promise) return cached;
    if (cached && now - cached.at < this.deps.cacheMs) return cached.value;
    const pending = this.check(tenant).then((value) => {
      this.panels.set(tenant, { value, at: this.deps.clock.now() });
      return value;
    });
    this.panels.set(tenant, pending);
    return pending;
  }

  private async check(tenant: TenantId): Promise<PanelHealth> {
    const { clock, timeoutMs } = this.deps;
    const services = this.deps.tenantServices?.(tenant) ?? this.seen.get(tenant) ?? this.deps.root;
    if (!services.has(Tokens.Panel)) return { state: 'not_configured', checked_at: clock.now(), latency_ms: null };
    const started = clock.now();
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const panel = services.resolve(Tokens.Panel);
      const call = panel.ping ? panel.ping() : panel.getOrders(['0']).then(() => undefined);
      const outcome = await Promise.race([call.then(() => 'ok' as const), timeout]);
      const latency = clock.now() - started;
      if (outcome === 'timeout') return { state: 'timeout', checked_at: clock.now(), latency_ms: latency };
      return { state: 'ok', checked_at: clock.now(), latency_ms: latency };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        state: 'error',
        checked_at: clock.now(),
        latency_ms: clock.now() - started,
        error: safeMessage(message),
      };
    } finally {
      if (timer) clock.clearTimeout(timer);
    }
  }
}
