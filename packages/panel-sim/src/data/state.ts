import type { Clock } from '@smmbot/core';
import type { Prng } from '../prng.js';
import type {
  OrderView,
  SimOrder,
  SimOrderStatus,
  SimProvider,
  SimRefill,
  SimService,
  SimTicket,
  SimUser,
} from '../types.js';
import { viewOrder } from './progress.js';
import { makeOrder, type SeedData } from './seed.js';
import { PROVIDERS } from './services.js';

export interface AddOrderInput {
  user: string;
  /** Default: the first service. */
  serviceId?: number;
  link?: string;
  quantity?: number;
  /** Default: now. */
  created?: number;
  /** Freeze the order in this status (set at `statusAt`, default now). Without it the order progresses. */
  status?: SimOrderStatus;
  statusAt?: number;
  remains?: number;
  startDelayMs?: number;
  durationMs?: number;
  outcome?: 'completed' | 'partial';
  partialRemains?: number;
}

export interface AddTicketInput {
  username: string;
  subject: string;
  message: string;
}

/**
 * The panel's data. Arrays are live: tests may read them and, carefully, change them. Computed
 * order state (status, remains, charge) comes from `view()` at the sim clock's now.
 */
export class SimState {
  readonly providers: readonly SimProvider[] = PROVIDERS;
  readonly services: SimService[];
  readonly users: SimUser[];
  readonly orders: SimOrder[];
  readonly tickets: SimTicket[];
  readonly refills: SimRefill[] = [];
  readonly prng: Prng;
  private readonly externalIds: Map<string, number>;
  private readonly orderIndex = new Map<number, SimOrder>();
  private nextMessageId = 20000;

  constructor(
    private readonly clock: Clock,
    seed: SeedData,
  ) {
    this.prng = seed.prng;
    this.services = seed.services;
    this.users = seed.users;
    this.orders = seed.orders;
    this.tickets = seed.tickets;
    this.externalIds = seed.externalIds;
    for (const o of this.orders) this.orderIndex.set(o.id, o);
  }

  now(): number {
    return this.clock.now();
  }

  getOrder(id: number | string): SimOrder | undefined {
    return this.orderIndex.get(Number(id));
  }

  getService(id: number | string): SimService | undefined {
    const n = Number(id);
    return this.services.find((s) => s.id === n);
  }

  getUser(username: string): SimUser | undefined {
    const want = username.trim().toLowerCase();
    return this.users.find((u) => u.username.toLowerCase() === want);
  }

  userByKey(key: string): SimUser | undefined {
    return key ? this.users.find((u) => u.apiKey === key) : undefined;
  }

  getTicket(id: number | string): SimTicket | undefined {
    const n = Number(id);
    return this.tickets.find((t) => t.id === n);
  }

  getRefill(id: number | string): SimRefill | undefined {
    const n = Number(id);
    return this.refills.find((r) => r.id === n);
  }

  /** The order's status, remains, charge… right now. */
  view(order: SimOrder | number): OrderView {
    const o = typeof order === 'number' ? this.getOrder(order) : order;
    if (!o) throw new Error(`panel-sim: no order ${String(order)}`);
    return viewOrder(o, this.now());
  }

  ordersOf(username: string): SimOrder[] {
    const want = username.toLowerCase();
    return this.orders.filter((o) => o.user.toLowerCase() === want);
  }

  /** Deposits minus the current charge of every order (partials and cancels give money back). */
  balanceOf(username: string): number {
    const user = this.getUser(username);
    if (!user) return 0;
    const spent = this.ordersOf(user.username).reduce((sum, o) => sum + this.view(o).charge, 0);
    return Math.round((user.deposited - spent) * 100000) / 100000;
  }

  /** Adds an order (for tests and the `add` action). It progresses on the clock unless `status` is given. */
  addOrder(input: AddOrderInput): SimOrder {
    const user = this.getUser(input.user);
    if (!user) throw new Error(`panel-sim: no user ${input.user}`);
    const service = input.serviceId === undefined ? this.services[0] : this.getService(input.serviceId);
    if (!service) throw new Error(`panel-sim: no service ${String(input.serviceId)}`);
    const id = this.orders.reduce((max, o) => Math.max(max, o.id), 1000) + 1;
    const order = makeOrder(this.prng, {
      id,
      user: user.username,
      service,
      created: input.created ?? this.now(),
      externalIds: this.externalIds,
      ...(input.quantity !== undefined ? { quantity: input.quantity } : {}),
      ...(input.link !== undefined ? { link: input.link } : {}),
    });
    const plan = order.plan;
    if (input.startDelayMs !== undefined) plan.startDelayMs = input.startDelayMs;
    if (input.durationMs !== undefined) plan.durationMs = input.durationMs;
    if (input.outcome !== undefined) plan.outcome = input.outcome;
    if (input.partialRemains !== undefined) plan.partialRemains = input.partialRemains;
    if (input.status) {
      order.override = { status: input.status, at: input.statusAt ?? this.now() };
      if (input.remains !== undefined) order.override.remains = input.remains;
    }
    this.orders.push(order);
    this.orderIndex.set(order.id, order);
    return order;
  }

  ticketsFor(username: string): SimTicket[] {
    const want = username.toLowerCase();
    return this.tickets.filter((t) => t.user.toLowerCase() === want);
  }

  private readonly ticketListeners: ((ticket: SimTicket) => void)[] = [];

  /** Calls `fn` for every ticket opened from now on (a demo host shows them: the sim is the panel's inbox). */
  onTicket(fn: (ticket: SimTicket) => void): void {
    this.ticketListeners.push(fn);
  }

  /** A customer opens a ticket (also what `POST /tickets/add` does). */
  addTicket(input: AddTicketInput): SimTicket {
    const user = this.getUser(input.username);
    if (!user) throw new Error(`panel-sim: no user ${input.username}`);
    const now = this.now();
    const id = this.tickets.reduce((max, t) => Math.max(max, t.id), 300) + 1;
    const ticket: SimTicket = {
      id,
      user: user.username,
      subject: input.subject,
      status: 'pending',
      created: now,
      lastUpdate: now,
      messages: [
        { id: ++this.nextMessageId, sender: 'user', author: user.username, message: input.message, created: now },
      ],
    };
    this.tickets.push(ticket);
    for (const fn of this.ticketListeners) fn(ticket);
    return ticket;
  }

  /** A customer writes in an existing ticket: it goes back to `pending`. */
  addCustomerMessage(ticketId: number, message: string): SimTicket {
    const ticket = this.getTicket(ticketId);
    if (!ticket) throw new Error(`panel-sim: no ticket ${ticketId}`);
    const now = this.now();
    ticket.messages.push({ id: ++this.nextMessageId, sender: 'user', author: ticket.user, message, created: now });
    ticket.status = 'pending';
    ticket.lastUpdate = now;
    return ticket;
  }

  /** Staff reply: the ticket becomes `answered`. */
  replyTicket(ticketId: number, message: string, staffName = 'Support'): SimTicket {
    const ticket = this.getTicket(ticketId);
    if (!ticket) throw new Error(`panel-sim: no ticket ${ticketId}`);
    const now = this.now();
    ticket.messages.push({ id: ++this.nextMessageId, sender: 'staff', author: staffName, message, created: now });
    ticket.status = 'answered';
    ticket.lastUpdate = now;
    return ticket;
  }

  /** Counts for `GET /__sim/state` and logs. */
  summary(): Record<string, unknown> {
    const byStatus: Record<string, number> = {};
    for (const o of this.orders) {
      const s = this.view(o).status;
      byStatus[s] = (byStatus[s] ?? 0) + 1;
    }
    return {
      now: new Date(this.now()).toISOString(),
      users: this.users.map((u) => u.username),
      services: this.services.length,
      providers: this.providers.map((p) => p.domain),
      orders: this.orders.length,
      ordersByStatus: byStatus,
      tickets: this.tickets.length,
      openTickets: this.tickets.filter((t) => t.status === 'pending').length,
      refills: this.refills.length,
    };
  }
}
