import { type Alert, BalancerToken } from '@smmbot/balancer';
import { type RecordFields, Tokens } from '@smmbot/core';
import { IdentityServiceToken, MessageLogToken, type NewLogEntry } from '@smmbot/support';
import type { RestApp } from './helpers.js';

/** Strings only one workspace has: none may ever appear in another workspace's answers. */
export const marker = (tenant: string) => ({
  provider: `Provider of ${tenant}`,
  template: `Welcome to ${tenant}!`,
  promo: `*Sale* at ${tenant}`,
  alert: `phone of ${tenant} may be banned`,
  username: `user-${tenant}`,
  log: `order text of ${tenant}`,
});

export function logEntry(tenant: string, n: number, extra: Partial<NewLogEntry> = {}): NewLogEntry {
  return {
    channel: tenant === 'acme' ? 'wa-a' : 'wa-b',
    chatId: `chat-${n}`,
    senderId: `sender-${n}`,
    role: 'customer',
    action: 'refill',
    orderIds: [String(54_000 + n)],
    providerOrderIds: [],
    result: 'ok',
    priority: false,
    rawText: `${marker(tenant).log} #${n}`,
    reply: 'Refill requested.',
    ...extra,
  };
}

export interface Seeded {
  serials: number[];
  provider: string;
  message: string;
  alert: string;
  customer: string;
  group: string;
  channel: string;
}

/**
 * Gives `tenant` one of everything: chat messages (an identity, a group, log lines), `logs` more log
 * lines, a provider (synced), a marketing message, a template override, a verified customer and a
 * balancer alert. Returns the ids.
 */
export async function seed(app: RestApp, tenant: string, logs: number): Promise<Seeded> {
  const owner = `${tenant}:owner`;
  const m = marker(tenant);
  const suffix = tenant === 'acme' ? 'a' : 'b';
  await app.say(tenant, `c1-${suffix}`, 'hi');
  await app.say(tenant, `c1-${suffix}`, 'hello everyone', `grp-${suffix}`);
  const c = app.engine.container;
  const log = c.resolve(MessageLogToken);
  for (let i = 0; i < logs; i++) await log.record(tenant, logEntry(tenant, i));
  const serials = (await log.query(tenant, { pageSize: 200 })).items.map((r) => r.serial);

  const identities = c.resolve(IdentityServiceToken);
  const customer = `wa-${suffix}:c1-${suffix}`;
  const record = await identities.get(tenant, customer);
  if (!record) throw new Error(`seed: no identity ${customer}`);
  await identities.link(tenant, record, m.username, 'admin');

  const provider = (
    await app.call(owner, 'POST', '/api/v1/providers', {
      name: m.provider,
      url: `https://${tenant}.example/api/v2`,
      api_key: `key-of-${tenant}-123456`,
    })
  ).json().id as string;
  await app.call(owner, 'POST', `/api/v1/providers/${provider}/sync`);
  const message = (await app.call(owner, 'POST', '/api/v1/marketing/messages', { text: m.promo })).json().id as string;
  await app.call(owner, 'PATCH', '/api/v1/templates/welcome_message', { value: m.template });

  // Alerts are raised by the balancer when a phone fails; the store is where it keeps them.
  c.resolve(BalancerToken);
  const alerts = c.resolve(Tokens.Store).collection<Alert>({ name: 'balancer_alerts' });
  const alert: RecordFields<Alert> = {
    type: 'banned',
    severity: 'critical',
    status: 'active',
    phone: `phone-${suffix}`,
    details: m.alert,
    createdAt: app.engine.clock.now(),
  };
  const { id: alertId } = await alerts.insert(tenant, alert);
  return {
    serials,
    provider,
    message,
    alert: alertId,
    customer,
    group: `wa-${suffix}:grp-${suffix}`,
    channel: `web-${suffix}`,
  };
}

/** Everything a workspace's owner can read, for before/after comparisons. */
export async function readAll(app: RestApp, tenant: string, channel: string) {
  const owner = `${tenant}:owner`;
  const urls = [
    '/api/v1/config',
    '/api/v1/logs?limit=200',
    '/api/v1/providers',
    '/api/v1/providers/services?limit=100',
    '/api/v1/groups',
    '/api/v1/templates',
    '/api/v1/customers?verified=all',
    '/api/v1/marketing/messages',
    '/api/v1/balancer/alerts',
    `/api/v1/channels/${channel}/login`,
  ];
  const out: Record<string, unknown> = {};
  for (const url of urls) {
    const res = await app.call(owner, 'GET', url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    out[url] = res.json();
  }
  return out;
}
