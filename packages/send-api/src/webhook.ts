import { createHash, createHmac } from 'node:crypto';
import type {
  Clock,
  Collection,
  InboundMessage,
  Logger,
  RecordStore,
  StoredRecord,
  TenantId,
  TimerHandle,
} from '@smmbot/core';
import type { WebhookTarget } from './options.js';

/**
 * One customer reply to hand to a company's system. Written before the first attempt and deleted
 * once a 2xx came back, so a crash between the two means a replay at boot (at least once).
 */
export interface WebhookDelivery extends StoredRecord {
  /** The exact JSON sent: every attempt signs and sends the same bytes. */
  body: string;
  messageId: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  state: 'pending' | 'failed';
  lastError?: string;
}

export interface WebhookPayload {
  tenant: TenantId;
  channel: string;
  chatId: string;
  /** The sender's phone digits when known, else the platform's id of the sender. */
  from: string;
  text: string;
  messageId: string;
  sentAt: string;
}

export interface WebhookRetry {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface WebhookDeps {
  store: RecordStore;
  clock: Clock;
  logger: Logger;
  /** The tenant's webhook, else the global one; undefined when neither is set. */
  targetFor(tenant: TenantId): WebhookTarget | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: WebhookRetry;
}

const DELIVERIES = { name: 'send_api_webhook_deliveries', indexes: ['state', 'nextAttemptAt'] };

type AttemptOutcome = { ok: true } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/** Customer replies POSTed to the company's webhook: durable, retried with back-off, signed. */
export class WebhookDeliveries {
  private readonly deliveries: Collection<WebhookDelivery>;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: WebhookDeps) {
    this.deliveries = deps.store.collection<WebhookDelivery>(DELIVERIES);
  }

  /** Stores the delivery of an inbound message (once per message), then attempts it in the background. */
  async enqueue(message: InboundMessage): Promise<string | undefined> {
    const tenant = message.tenantId;
    if (!this.deps.targetFor(tenant)) return undefined;
    const id = deliveryId(message);
    // The same message handled again (a replay after a crash) keeps its one delivery.
    if (await this.deliveries.get(tenant, id)) return id;
    const now = this.deps.clock.now();
    const body = JSON.stringify(payloadOf(message, now));
    await this.deliveries.insert(tenant, {
      id,
      body,
      messageId: message.id,
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      state: 'pending',
    });
    this.start(tenant, id);
    return id;
  }

  /** Schedules every pending delivery a previous process left behind (called at boot). */
  async resume(tenants: readonly TenantId[]): Promise<number> {
    let count = 0;
    for (const tenant of tenants) {
      const { items } = await this.deliveries.find(tenant, {
        where: { state: 'pending' },
        sort: [{ field: 'nextAttemptAt' }],
        limit: 10_000,
      });
      for (const d of items) {
        this.schedule(tenant, d.id, d.nextAttemptAt - this.deps.clock.now());
        count++;
      }
    }
    return count;
  }

  /** Deliveries that ran out of attempts or were refused (4xx), for an operator to look at. */
  async failed(tenant: TenantId): Promise<WebhookDelivery[]> {
    return (await this.deliveries.find(tenant, { where: { state: 'failed' }, limit: 1000 })).items;
  }

  /** Resolves when no attempt is in flight (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops scheduling; pending deliveries stay stored for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const handle of this.timers.values()) this.deps.clock.clearTimeout(handle);
    this.timers.clear();
    await this.idle();
  }

  private schedule(tenant: TenantId, id: string, delayMs: number): void {
    if (this.stopped) return;
    const key = `${tenant}\u0000${id}`;
    const previous = this.timers.get(key);
    if (previous) this.deps.clock.clearTimeout(previous);
    const handle = this.deps.clock.setTimeout(
      () => {
        this.timers.delete(key);
        this.start(tenant, id);
      },
      Math.max(0, delayMs),
    );
    this.timers.set(key, handle);
  }

  private start(tenant: TenantId, id: string): void {
    const key = `${tenant}\u0000${id}`;
    if (this.stopped || this.running.has(key)) return;
    const task = this.attempt(tenant, id)
      .catch((err) => this.deps.logger.error({ err, tenant, delivery: id }, 'webhook attempt crashed; kept for replay'))
      .finally(() => this.running.delete(key));
    this.running.set(key, task);
  }

  private async attempt(tenant: TenantId, id: string): Promise<void> {
    const delivery = await this.deliveries.get(tenant, id);
    if (delivery?.state !== 'pending') return;
    const log = this.deps.logger.child({ tenant, msgId: delivery.messageId, delivery: id });
    const target = this.deps.targetFor(tenant);
    if (!target) {
      log.warn('no webhook URL is configured any more; delivery kept as failed');
      await this.deliveries.update(tenant, id, { state: 'failed', lastError: 'no webhook configured' });
      return;
    }
    const attempts = delivery.attempts + 1;
    // Counted before the call: a crash during it still uses up the attempt.
    await this.deliveries.update(tenant, id, { attempts });
    const outcome = await this.post(target, id, delivery.body);
    if (outcome.ok) {
      await this.deliveries.delete(tenant, id);
      log.info({ attempts }, 'webhook delivered');
      return;
    }
    const { retry, clock } = this.deps;
    if (!outcome.retryable || attempts >= retry.maxAttempts) {
      await this.deliveries.update(tenant, id, { state: 'failed', lastError: outcome.error });
      log.error({ attempts, error: outcome.error }, 'webhook delivery failed for good');
      return;
    }
    const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
    const delay = Math.min(retry.maxDelayMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
    await this.deliveries.update(tenant, id, { nextAttemptAt: clock.now() + delay, lastError: outcome.error });
    log.warn({ attempts, error: outcome.error, retryInMs: delay }, 'webhook attempt failed; will retry');
    this.schedule(tenant, id, delay);
  }

  private async post(target: WebhookTarget, id: string, body: string): Promise<AttemptOutcome> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'smmbot-webhook/1',
      'x-smmbot-delivery': id,
    };
    if (target.secret) headers['x-smmbot-signature'] = signWebhookBody(body, target.secret);
    // The timeout runs on the injected clock, so tests drive it on virtual time.
    const controller = new AbortController();
    const { clock, timeoutMs } = this.deps;
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await this.deps.fetch(target.url, { method: 'POST', headers, body, signal: controller.signal });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return { ok: true };
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, retryable, error: `HTTP ${res.status}`, retryAfterMs: retryAfterMs(res.headers) };
    } catch (err) {
      const error = controller.signal.aborted
        ? `timed out after ${timeoutMs} ms`
        : `network error: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, retryable: true, error };
    } finally {
      clock.clearTimeout(timer);
    }
  }
}

/** `sha256=<hex HMAC-SHA256 of the raw body>` (GitHub's scheme); receivers verify it over the bytes received. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Stable per inbound message, so receivers can dedupe on `X-Smmbot-Delivery`. */
function deliveryId(message: InboundMessage): string {
  const digest = createHash('sha256').update(`${message.channel}\u0000${message.id}`).digest('hex');
  return `dlv_${digest.slice(0, 32)}`;
}

function payloadOf(message: InboundMessage, now: number): WebhookPayload {
  return {
    tenant: message.tenantId,
    channel: message.channel,
    chatId: message.chat.id,
    from: senderOf(message),
    text: message.text,
    messageId: message.id,
    sentAt: new Date(Number.isFinite(message.sentAt) ? message.sentAt : now).toISOString(),
  };
}

/** WhatsApp senders may be known by a LID; the company's system knows them by phone number. */
function senderOf(message: InboundMessage): string {
  const candidates = [message.sender.aliases?.pn, message.sender.id];
  const pn = candidates.find((jid) => jid?.endsWith('@s.whatsapp.net'));
  return pn ? pn.slice(0, pn.indexOf('@')) : message.sender.id;
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  const seconds = value && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}
