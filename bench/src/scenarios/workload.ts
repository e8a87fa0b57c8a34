import type { OrderStatus, PanelOrder } from '@smmbot/core';

/** The workload both scenarios share: N `order <id>` messages from S senders, one order each. */
export interface Workload {
  messages: number;
  senders: number;
  /** Batch size fed concurrently, like a busy webhook. */
  batch: number;
  orders: PanelOrder[];
  /** Message i asks for `orders[i]` and comes from sender `i % senders` (private chat of the same id). */
  texts: string[];
}

const SERVICES = [
  'Instagram Followers [R30] [Max 100K]',
  'Instagram Likes [Real] [Instant]',
  'TikTok Views [Fast] [Lifetime]',
  'YouTube Subscribers [Non Drop] [R60]',
  'Telegram Channel Members [30 Days Refill]',
  'Twitter/X Followers [HQ]',
];
const STATUSES: OrderStatus[] = ['pending', 'processing', 'in_progress', 'completed', 'partial', 'canceled'];
const FIRST_ORDER_ID = 1_000_000;

/** Deterministic, realistic-looking orders: the same data every run and in both scenarios. */
export function createWorkload(messages = 20_000, senders = 1_000, batch = 1_000): Workload {
  const orders: PanelOrder[] = [];
  const texts: string[] = [];
  for (let i = 0; i < messages; i++) {
    const id = String(FIRST_ORDER_ID + i);
    const quantity = 100 * (1 + (i % 50));
    const remains = i % 3 === 0 ? 0 : (i * 37) % quantity;
    orders.push({
      id,
      status: STATUSES[i % STATUSES.length]!,
      serviceId: String(100 + (i % SERVICES.length)),
      serviceName: SERVICES[i % SERVICES.length]!,
      link: `https://instagram.com/user_${i % senders}`,
      quantity,
      startCount: 1_000 + ((i * 7919) % 90_000),
      remains,
      charge: Math.round(quantity * 0.0125 * 100) / 100,
      currency: 'USD',
      user: `customer${i % senders}`,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      externalId: String(9_000_000 + i),
      provider: 'provider-a',
    });
    // A mix of the spellings customers really use.
    texts.push(i % 4 === 0 ? `order #${id}` : i % 4 === 1 ? `Order ${id}` : `order ${id}`);
  }
  return { messages, senders, batch, orders, texts };
}

/** Reply accounting shared by both scenarios: every order id must be answered exactly once. */
export class ReplyCheck {
  private readonly seen = new Map<string, number>();
  replies = 0;

  constructor(private readonly workload: Workload) {}

  /** Records one reply; `orderId` is the order the reply answers (from its request), `text` what was sent. */
  add(orderId: string, text: string): void {
    this.replies++;
    if (!text.includes(`Order #${orderId}`)) throw new Error(`reply to order ${orderId} does not mention it: ${text}`);
    this.seen.set(orderId, (this.seen.get(orderId) ?? 0) + 1);
  }

  /** Throws unless every message got exactly one reply containing its order id. */
  verify(name: string): void {
    const problems: string[] = [];
    if (this.replies !== this.workload.messages)
      problems.push(`${this.replies} replies for ${this.workload.messages} messages`);
    for (const order of this.workload.orders) {
      const n = this.seen.get(order.id) ?? 0;
      if (n !== 1) problems.push(`order ${order.id}: ${n} replies`);
      if (problems.length > 10) break;
    }
    if (problems.length > 0) throw new Error(`${name}: wrong replies:\n  ${problems.join('\n  ')}`);
  }
}
