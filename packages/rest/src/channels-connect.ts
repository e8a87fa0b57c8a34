import { createHash, randomBytes } from 'node:crypto';
import { type Balancer, BalancerToken } from '@smmbot/balancer';
import { useKvAuthState } from '@smmbot/channel-baileys';
import {
  type Channel,
  type Clock,
  type InboundMessage,
  type Logger,
  type SecretBox,
  type StoredRecord,
  type TenantId,
  Tokens,
  type TurnResult,
} from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { buildChannel, type ChannelSecrets, type RuntimeChannelOptions, refusal } from './channels-connect-build.js';
import { notFound, RestError } from './http.js';

/** Where runtime channel definitions live (one record per channel, id = the full channel name). */
export const RUNTIME_CHANNELS = 'runtime_channels';

export type { RuntimeChannelOptions } from './channels-connect-build.js';

export type RuntimeChannelKind = 'telegram' | 'whatsapp';

/** A channel connected from the dashboard. Secrets (bot token, pairing phone) are only in `sealed`. */
export interface RuntimeChannelRecord extends StoredRecord {
  /** The name the owner gave (the channel's name is `<tenant>.<name>`). */
  name: string;
  kind: RuntimeChannelKind;
  /** `SecretBox.seal(JSON.stringify({ token?, pairingPhone? }))`. */
  sealed: string;
  createdAt: number;
}

export type ConnectInput =
  | { kind: 'telegram'; token: string; name?: string }
  | { kind: 'whatsapp'; name?: string; pairingPhone?: string };

export interface RuntimeChannelsDeps {
  container: DependencyContainer;
  logger: Logger;
  clock: Clock;
  receive(message: InboundMessage): Promise<TurnResult>;
  accept(message: InboundMessage): Promise<void>;
  options: RuntimeChannelOptions;
}

interface Live {
  tenant: TenantId;
  kind: RuntimeChannelKind;
  channel: Channel;
  /** sha256 of the bot token: one bot cannot be polled twice. */
  botHash?: string;
}

/** Where the REST plugin registers its `RuntimeChannels` (the host and tests reach it here). */
export const RuntimeChannelsToken = Symbol('smmbot.RuntimeChannels') as InjectionToken<RuntimeChannels>;

/** The channel's registry name: workspaces never collide (short names have no dot). */
export const channelName = (tenant: TenantId, name: string) => `${tenant}.${name}`;

const botHashOf = (token: string) => createHash('sha256').update(`smmbot-telegram:${token}`).digest('hex');

/**
 * Channels a workspace connects from the dashboard at runtime: a Telegram bot (token; long polling,
 * so no webhook route has to be added to a running server) or a new WhatsApp number (Baileys; the
 * QR / pairing code is read through `GET /channels/:name/login`). Definitions are stored per tenant
 * with their secrets sealed, and restored at boot; WhatsApp numbers are attached to the balancer.
 */
export class RuntimeChannels {
  private readonly live = new Map<string, Live>();
  private readonly pending = new Set<string>();

  constructor(private readonly deps: RuntimeChannelsDeps) {}

  private get secrets(): SecretBox {
    const c = this.deps.container;
    if (!c.isRegistered(Tokens.Secrets, true)) {
      throw new RestError(501, 'E_NOT_INSTALLED', 'this host has no secret key: channel secrets cannot be stored');
    }
    return c.resolve(Tokens.Secrets);
  }

  private collection() {
    return this.deps.container
      .resolve(Tokens.Store)
      .collection<RuntimeChannelRecord>({ name: RUNTIME_CHANNELS, indexes: ['createdAt'] });
  }

  /** The anti-ban balancer, when the host runs one: WhatsApp numbers become its phones. */
  private balancer(): Pick<Balancer, 'attachChannel' | 'detachChannel'> | undefined {
    const c = this.deps.container;
    return c.isRegistered(BalancerToken, true) ? c.resolve(BalancerToken) : undefined;
  }

  /** True when `name` is a channel this service runs for `tenant`. */
  owns(tenant: TenantId, name: string): boolean {
    return this.live.get(name)?.tenant === tenant;
  }

  /** Validates, builds and starts the channel, then stores its definition. Returns the registered channel. */
  async connect(tenant: TenantId, input: ConnectInput): Promise<Channel> {
    const secrets = this.secrets;
    const short = input.name ?? this.defaultName(input);
    const full = channelName(tenant, short);
    const registry = this.deps.container.resolve(Tokens.Channels);
    if (registry.get(full) || this.pending.has(full)) {
      throw new RestError(409, 'E_CONFLICT', `a channel named "${short}" is already connected`);
    }
    const secret: ChannelSecrets =
      input.kind === 'telegram'
        ? { token: input.token }
        : input.pairingPhone
          ? { pairingPhone: input.pairingPhone }
          : {};
    const botHash = secret.token ? botHashOf(secret.token) : undefined;
    if (botHash && [...this.live.values()].some((l) => l.botHash === botHash)) {
      throw new RestError(409, 'E_CONFLICT', 'this Telegram bot is already connected');
    }
    this.pending.add(full);
    try {
      const channel = this.build(tenant, full, input.kind, secret);
      registry.add(channel);
      try {
        await channel.start?.();
      } catch (err) {
        registry.remove(full);
        await channel.stop?.().catch(() => undefined);
        throw refusal(err, input.kind, secret.token);
      }
      const sealed = secrets.seal(JSON.stringify(secret));
      await this.collection().upsert(tenant, {
        id: full,
        name: short,
        kind: input.kind,
        sealed,
        createdAt: this.deps.clock.now(),
      });
      this.live.set(full, { tenant, kind: input.kind, channel, ...(botHash ? { botHash } : {}) });
      await this.balancer()?.attachChannel?.(channel);
      this.deps.logger.info({ tenant, channel: full, kind: input.kind }, 'runtime channel connected');
      return channel;
    } finally {
      this.pending.delete(full);
    }
  }

  /** Stops and removes a runtime channel of the workspace, its stored definition and (WhatsApp) its login. */
  async disconnect(tenant: TenantId, name: string): Promise<void> {
    const live = this.live.get(name);
    const stored = await this.collection().get(tenant, name);
    if (!live && !stored) {
      const other = this.deps.container.resolve(Tokens.Channels).get(name);
      if (other?.tenantId === tenant) {
        throw new RestError(
          409,
          'E_UNSUPPORTED',
          `channel "${name}" is set in the host config, not from the dashboard`,
        );
      }
      throw notFound(`channel "${name}"`);
    }
    if (live && live.tenant !== tenant) throw notFound(`channel "${name}"`);
    if (live) {
      this.live.delete(name);
      await this.balancer()?.detachChannel?.(live.channel);
      this.deps.container.resolve(Tokens.Channels).remove(name);
      await live.channel.stop?.().catch((err) => this.deps.logger.warn({ err, channel: name }, 'channel stop failed'));
    }
    if (stored) await this.collection().delete(tenant, name);
    if ((live?.kind ?? stored?.kind) === 'whatsapp') {
      const auth = await useKvAuthState({
        kv: this.deps.container.resolve(Tokens.Kv),
        tenant,
        secrets: this.secrets,
        namespace: `baileys:${name}`,
      });
      await auth.clear();
    }
    this.deps.logger.info({ tenant, channel: name }, 'runtime channel disconnected');
  }

  /**
   * At boot: registers every stored runtime channel of these tenants (the engine starts them after
   * boot; `startNow` for a tenant added while running). A channel that fails to start is logged and
   * stays listed, so the owner can remove it.
   */
  async restore(tenants: readonly TenantId[], startNow = false): Promise<number> {
    const c = this.deps.container;
    if (!c.isRegistered(Tokens.Store, true) || !c.isRegistered(Tokens.Secrets, true)) return 0;
    const registry = c.resolve(Tokens.Channels);
    let restored = 0;
    for (const tenant of tenants) {
      for (let offset = 0; ; offset += 200) {
        const found = await this.collection().find(tenant, { sort: [{ field: 'createdAt' }], limit: 200, offset });
        for (const record of found.items) {
          if (this.live.has(record.id) || registry.get(record.id)) continue;
          try {
            const secret = JSON.parse(this.secrets.open(record.sealed)) as ChannelSecrets;
            const channel = this.build(tenant, record.id, record.kind, secret);
            const start = channel.start?.bind(channel);
            // Instance override: one workspace's revoked token must not stop the host from starting.
            channel.start = async () => {
              await start?.().catch((err: unknown) =>
                this.deps.logger.error({ err, tenant, channel: record.id }, 'runtime channel failed to start'),
              );
            };
            registry.add(channel);
            const botHash = secret.token ? botHashOf(secret.token) : undefined;
            this.live.set(record.id, { tenant, kind: record.kind, channel, ...(botHash ? { botHash } : {}) });
            await this.balancer()?.attachChannel?.(channel);
            if (startNow) await channel.start();
            restored++;
          } catch (err) {
            this.deps.logger.error({ err, tenant, channel: record.id }, 'runtime channel not restored');
          }
        }
        if (found.items.length < 200) break;
      }
    }
    if (restored) this.deps.logger.info({ restored }, 'runtime channels restored');
    return restored;
  }

  private defaultName(input: ConnectInput): string {
    if (input.kind === 'telegram') {
      const id = input.token.split(':')[0] ?? '';
      return /^\d{1,20}$/.test(id) ? `tg-${id}` : `tg-${randomBytes(3).toString('hex')}`;
    }
    return `wa-${randomBytes(3).toString('hex')}`;
  }

  private build(tenant: TenantId, name: string, kind: RuntimeChannelKind, secret: ChannelSecrets): Channel {
    return buildChannel({ ...this.deps, secrets: () => this.secrets }, { tenant, name, kind, secret });
  }
}
