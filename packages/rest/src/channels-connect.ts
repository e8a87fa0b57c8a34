import { type Balancer, BalancerToken } from '@smmbot/balancer';
import { useKvAuthState } from '@smmbot/channel-baileys';
import {
  type Channel,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  type InboundMessage,
  type Logger,
  type SecretBox,
  type StoredRecord,
  type TenantId,
  Tokens,
  type TurnResult,
} from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import {
  buildChannel,
  type ChannelSecrets,
  type RuntimeChannelKind,
  type RuntimeChannelOptions,
  refusal,
  secretStrings,
} from './channels-connect-build.js';
import { type ConnectInput, identityOf, prepareChannel } from './channels-connect-input.js';
import { PLUGIN_NAME, notFound, RestError } from './http.js';
import { type WebhookChannelKind, webhookPathOf } from './channels-webhook-build.js';

/** Where runtime channel definitions live (one record per channel, id = the full channel name). */
export const RUNTIME_CHANNELS = 'runtime_channels';

export type { RuntimeChannelKind, RuntimeChannelOptions } from './channels-connect-build.js';
export type { ConnectInput } from './channels-connect-input.js';

/** A channel connected from the dashboard. Secrets (tokens, app secret, pairing phone) are only in `sealed`. */
export interface RuntimeChannelRecord extends StoredRecord {
  /** The name the owner gave (the channel's name is `<tenant>.<name>`). */
  name: string;
  kind: RuntimeChannelKind;
  /** `SecretBox.seal(JSON.stringify(ChannelSecrets))`: `{ token }`, `{ pairingPhone? }`, `{ cloud }` or `{ green }`. */
  sealed: string;
  createdAt: number;
}

/** A channel just connected, and what the owner needs once to point the vendor's webhook at it. */
export interface ConnectedChannel {
  channel: Channel;
  /** Webhook channels: the public path (relative to the host's URL) and the token to paste into the vendor's console. */
  webhook?: { path: string; verifyToken?: string; webhookToken?: string };
}

export interface RuntimeChannelsDeps {
  container: DependencyContainer;
  logger: Logger;
  clock: Clock;
  receive(message: InboundMessage): Promise<TurnResult>;
  accept(message: InboundMessage): Promise<void>;
  options: RuntimeChannelOptions;
}

type WebhookHandler = (request: HttpRequest) => Promise<HttpResponse> | HttpResponse;

interface Live {
  tenant: TenantId;
  kind: RuntimeChannelKind;
  channel: Channel;
  /** One bot / number id / instance cannot be served twice (see `identityOf`). */
  identity?: string;
  /** Webhook channels: the channel's own route handlers by method (signature checks, durable accept). */
  handlers?: Partial<Record<HttpRoute['method'], WebhookHandler>>;
}

/** Where the REST plugin registers its `RuntimeChannels` (the host and tests reach it here). */
export const RuntimeChannelsToken = Symbol('smmbot.RuntimeChannels') as InjectionToken<RuntimeChannels>;

/** The channel's registry name: workspaces never collide (short names have no dot). */
export const channelName = (tenant: TenantId, name: string) => `${tenant}.${name}`;

const isWebhookKind = (kind: RuntimeChannelKind): kind is WebhookChannelKind =>
  kind === 'whatsapp-cloud' || kind === 'greenapi';

/** Webhook channels (Cloud API, Green API) describe their own routes; the fixed routes call their handlers. */
const hasRoutes = (c: Channel): c is Channel & { routes(plugin: string): HttpRoute[] } =>
  typeof (c as { routes?: unknown }).routes === 'function';

const CONFLICT: Record<RuntimeChannelKind, string> = {
  telegram: 'this Telegram bot is already connected',
  whatsapp: 'this WhatsApp number is already connected',
  'whatsapp-cloud': 'this Cloud API phone number id is already connected',
  greenapi: 'this Green API instance is already connected',
};

/**
 * Channels a workspace connects from the dashboard at runtime: a Telegram bot (token; long polling,
 * so no webhook route has to be added to a running server), a new WhatsApp number (Baileys; the
 * QR / pairing code is read through `GET /channels/:name/login`), a Cloud API number or a Green API
 * instance (webhooks: the fixed routes registered at boot dispatch to them by workspace and name).
 * Definitions are stored per tenant with their secrets sealed, and restored at boot; anti-ban
 * channels (Baileys, Green API) are attached to the balancer.
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

  /** The anti-ban balancer, when the host runs one: anti-ban channels (Baileys, Green API) become its phones. */
  private balancer(): Pick<Balancer, 'attachChannel' | 'detachChannel'> | undefined {
    const c = this.deps.container;
    return c.isRegistered(BalancerToken, true) ? c.resolve(BalancerToken) : undefined;
  }

  /** True when `name` is a channel this service runs for `tenant`. */
  owns(tenant: TenantId, name: string): boolean {
    return this.live.get(name)?.tenant === tenant;
  }

  /** Validates, builds and starts the channel, then stores its definition. */
  async connect(tenant: TenantId, input: ConnectInput): Promise<ConnectedChannel> {
    const secrets = this.secrets;
    const { short, secret, identity, setupToken } = prepareChannel(input, this.deps.options);
    const full = channelName(tenant, short);
    const registry = this.deps.container.resolve(Tokens.Channels);
    if (registry.get(full) || this.pending.has(full)) {
      throw new RestError(409, 'E_CONFLICT', `a channel named "${short}" is already connected`);
    }
    if (identity && [...this.live.values()].some((l) => l.identity === identity)) {
      throw new RestError(409, 'E_CONFLICT', CONFLICT[input.kind]);
    }
    this.pending.add(full);
    try {
      const channel = this.build(tenant, full, short, input.kind, secret);
      registry.add(channel);
      try {
        await channel.start?.();
      } catch (err) {
        registry.remove(full);
        await channel.stop?.().catch(() => undefined);
        throw refusal(err, input.kind, secretStrings(secret));
      }
      const sealed = secrets.seal(JSON.stringify(secret));
      await this.collection().upsert(tenant, {
        id: full,
        name: short,
        kind: input.kind,
        sealed,
        createdAt: this.deps.clock.now(),
      });
      this.track(tenant, input.kind, channel, identity);
      await this.balancer()?.attachChannel?.(channel);
      this.deps.logger.info({ tenant, channel: full, kind: input.kind }, 'runtime channel connected');
      if (!isWebhookKind(input.kind)) return { channel };
      const token = input.kind === 'whatsapp-cloud' ? { verifyToken: setupToken } : { webhookToken: setupToken };
      return { channel, webhook: { path: webhookPathOf(input.kind, tenant, short), ...token } };
    } finally {
      this.pending.delete(full);
    }
  }

  /**
   * The handler of a runtime webhook channel for a public webhook request, or undefined (a 404) when
   * the workspace has no live channel of that kind and name.
   */
  webhookHandler(
    tenant: TenantId,
    short: string,
    kind: WebhookChannelKind,
    method: HttpRoute['method'],
  ): WebhookHandler | undefined {
    const live = this.live.get(channelName(tenant, short));
    if (!live || live.tenant !== tenant || live.kind !== kind) return undefined;
    return live.handlers?.[method];
  }

  private track(tenant: TenantId, kind: RuntimeChannelKind, channel: Channel, identity?: string): void {
    const live: Live = { tenant, kind, channel, ...(identity ? { identity } : {}) };
    if (isWebhookKind(kind) && hasRoutes(channel)) {
      const own = channel.routes(PLUGIN_NAME);
      live.handlers = Object.fromEntries(own.map((r) => [r.method, (req: HttpRequest) => r.handler(req)]));
    }
    this.live.set(channel.name, live);
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
            const channel = this.build(tenant, record.id, record.name, record.kind, secret);
            const start = channel.start?.bind(channel);
            // Instance override: one workspace's revoked token must not stop the host from starting.
            channel.start = async () => {
              await start?.().catch((err: unknown) =>
                this.deps.logger.error(
                  // The message only: a network error names the API URL, which can carry the token.
                  { reason: refusal(err, record.kind, secretStrings(secret)).message, tenant, channel: record.id },
                  'runtime channel failed to start',
                ),
              );
            };
            registry.add(channel);
            this.track(tenant, record.kind, channel, identityOf(record.kind, secret));
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

  private build(
    tenant: TenantId,
    name: string,
    short: string,
    kind: RuntimeChannelKind,
    secret: ChannelSecrets,
  ): Channel {
    return buildChannel({ ...this.deps, secrets: () => this.secrets }, { tenant, name, short, kind, secret });
  }
}
