import { PANEL_CAPABILITIES, type PanelCapability, PanelError } from '@smmbot/core';
import type { PerfectPanelAdmin } from './admin.js';
import { rowsOf } from './envelope.js';
import { mapOrder } from './map.js';
import { CONFIDENCE, type PerfectPanelPaths, type ProbeResult } from './options.js';

type Get = (path: string, query: Record<string, string | number | undefined>) => Promise<unknown>;

/** Writes are never called by the probe: they would change orders or tickets of real customers. */
const WRITES: Partial<Record<PanelCapability, keyof PerfectPanelPaths>> = {
  'orders.refill': 'refill',
  'orders.cancel': 'cancel',
  'orders.speedup': 'resend',
  'orders.setPartial': 'setPartial',
  'orders.complete': 'changeStatus',
  'tickets.reply': 'ticketReply',
  'tickets.create': 'ticketAdd',
};

const UNDECLARED: Partial<Record<PanelCapability, string>> = {
  services: 'needs servicesApiKey (a user API key for the classic API)',
  balance: 'needs servicesApiKey (a user API key for the classic API)',
  'orders.refund': 'no separate endpoint: the admin cancel already refunds',
  'refills.status': 'the Admin API has no refill status endpoint',
};

const failed = (capability: ProbeResult['capability'], err: unknown): ProbeResult =>
  err instanceof PanelError && err.kind === 'unsupported'
    ? { capability, status: 'unsupported', detail: err.message }
    : { capability, status: 'unverified', detail: `could not check: ${(err as Error).message}` };

/**
 * Tries every declared capability without changing anything: GET endpoints are called (with a real
 * order, user and ticket of the panel where one exists); POST endpoints are reported as declared but
 * unverified, with their path and how sure the research is of it.
 */
export async function runProbe(admin: PerfectPanelAdmin, get: Get, classic: boolean): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  const { paths } = admin;
  let sample: ReturnType<typeof mapOrder>;
  try {
    sample = rowsOf(await get(paths.orders, { limit: 1 })).map(mapOrder)[0];
    out.push({ capability: 'connection', status: 'ok', detail: `GET ${paths.orders} answers and the key is accepted` });
  } catch (err) {
    const detail = `the panel did not answer GET ${paths.orders}: ${(err as Error).message}`;
    out.push({ capability: 'connection', status: 'unverified', detail });
    return out.concat(
      [...admin.capabilities].map(
        (capability): ProbeResult => ({ capability, status: 'unverified', detail: 'not checked' }),
      ),
    );
  }

  const check = async (capability: PanelCapability, fn: () => Promise<ProbeResult | string>) => {
    if (!admin.capabilities.has(capability)) return;
    try {
      const r = await fn();
      out.push(typeof r === 'string' ? { capability, status: 'ok', detail: r } : r);
    } catch (err) {
      out.push(failed(capability, err));
    }
  };
  const none = (capability: PanelCapability, detail: string): ProbeResult => ({
    capability,
    status: 'unverified',
    detail,
  });

  await check('orders.get', async () => {
    if (!sample) return none('orders.get', 'the panel has no orders to look up');
    const found = await admin.getOrders([sample.id, '999999999999']);
    if (!found.some((o) => o.id === sample?.id)) return none('orders.get', `order ${sample.id} was not found again`);
    return admin.lookup.mode === 'per-id'
      ? `batch look-up (?${admin.bodies.lookupIds}=) not honoured: one GET ${paths.order} per order`
      : `batch look-up GET ${paths.orders}?${admin.bodies.lookupIds}= works`;
  });
  await check('orders.byUser', async () => {
    if (!sample?.user) return none('orders.byUser', 'no order with a username to filter by');
    const rows = rowsOf(await get(paths.orders, { [admin.bodies.userFilter]: sample.user, limit: 20 }));
    const others = rows.map(mapOrder).filter((o) => o?.user?.toLowerCase() !== sample?.user?.toLowerCase());
    if (others.length === 0) return `GET ${paths.orders}?${admin.bodies.userFilter}= filters by username`;
    return none(
      'orders.byUser',
      `?${admin.bodies.userFilter}= is ignored: orders are filtered locally (first page only)`,
    );
  });
  await check('users.get', async () => {
    if (!sample?.user) return none('users.get', 'no username to look up');
    const user = await admin.findUser?.(sample.user);
    return user ? `GET ${paths.users}?username= finds users` : none('users.get', `user ${sample.user} was not found`);
  });
  let ticketId: string | undefined;
  await check('tickets.list', async () => {
    const tickets = (await admin.listTickets?.({ limit: 1 })) ?? [];
    ticketId = tickets[0]?.id;
    return `GET ${paths.tickets} answers (${tickets.length ? 'tickets found' : 'no tickets yet'})`;
  });
  await check('tickets.get', async () => {
    if (!ticketId) return none('tickets.get', `no ticket to read: GET ${paths.ticket} [G] not called`);
    const ticket = await admin.getTicket?.(ticketId);
    if (!ticket) return none('tickets.get', `ticket ${ticketId} was not found again`);
    return `GET ${paths.ticket} answers (${ticket.messages ? `${ticket.messages.length} messages` : 'no messages field'})`;
  });
  if (classic) {
    await check('services', async () => `${(await admin.services?.())?.length ?? 0} services via ${paths.classicApi}`);
    await check('balance', async () => `balance ${(await admin.balance?.())?.amount} via ${paths.classicApi}`);
  }
  for (const [capability, key] of Object.entries(WRITES) as [PanelCapability, keyof PerfectPanelPaths][]) {
    if (!admin.capabilities.has(capability)) continue;
    const tag = CONFIDENCE[key] === 'G' ? 'a guess' : 'inferred';
    out.push(none(capability, `declared, unverified: POST ${paths[key]} (${tag}) is not called by the probe`));
  }
  for (const capability of PANEL_CAPABILITIES) {
    if (admin.capabilities.has(capability)) continue;
    out.push({
      capability,
      status: 'unsupported',
      detail: UNDECLARED[capability] ?? 'left out by the `disable` option',
    });
  }
  return out;
}
