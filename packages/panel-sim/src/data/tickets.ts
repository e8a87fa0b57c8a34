import type { Prng } from '../prng.js';
import type { SimOrder, SimTicket, SimTicketStatus, SimUser } from '../types.js';

/** The subject the PerfectPanel ticket form uses for order problems ("Orders" + "Support- AI"). */
export const ORDERS_SUBJECT = 'Orders Support- AI';

const HOUR = 3_600_000;

interface TicketSpec {
  user: string;
  subject: string;
  text: (ids: number[]) => string;
  status: SimTicketStatus;
  ageHours: number;
  staffReply?: string;
}

const SPECS: readonly TicketSpec[] = [
  { user: 'demo', subject: ORDERS_SUBJECT, text: () => 'speedup my order 1003', status: 'pending', ageHours: 2 },
  { user: 'demo', subject: ORDERS_SUBJECT, text: () => '1001 refill', status: 'pending', ageHours: 1 },
  {
    user: 'demo',
    subject: 'Payment',
    text: () => 'Do you accept USDT TRC20? I want to add $50',
    status: 'pending',
    ageHours: 5,
  },
  {
    user: 'demo',
    subject: ORDERS_SUBJECT,
    text: () => 'order 1002 dropped, please refill',
    status: 'closed',
    ageHours: 24 * 30,
    staffReply: 'Refill period of this service has expired, sorry.',
  },
  {
    user: 'alice',
    subject: ORDERS_SUBJECT,
    text: (ids) => `${ids.slice(0, 2).join(',')} refill`,
    status: 'pending',
    ageHours: 3,
  },
  { user: 'bob', subject: ORDERS_SUBJECT, text: (ids) => `cancel ${ids[0]}`, status: 'pending', ageHours: 4 },
  {
    user: 'carol',
    subject: ORDERS_SUBJECT,
    text: (ids) => `where is my order ${ids[0]}? started 2 days ago and nothing`,
    status: 'answered',
    ageHours: 30,
    staffReply: 'We have asked the provider to speed it up.',
  },
  {
    user: 'dave',
    subject: 'Payment',
    text: () => 'I paid with Perfect Money but my balance was not added, batch U1234567',
    status: 'pending',
    ageHours: 8,
  },
  { user: 'erin', subject: ORDERS_SUBJECT, text: () => 'hello?? anyone there', status: 'pending', ageHours: 6 },
  {
    user: 'frank',
    subject: 'Other',
    text: () => 'Do you have Threads followers with refill?',
    status: 'answered',
    ageHours: 50,
    staffReply: 'Yes, see the Threads category.',
  },
];

export function seedTickets(
  prng: Prng,
  users: readonly SimUser[],
  orders: readonly SimOrder[],
  t0: number,
): SimTicket[] {
  const tickets: SimTicket[] = [];
  let id = 300;
  let messageId = 9000;
  const names = new Set(users.map((u) => u.username));
  for (const spec of SPECS) {
    if (!names.has(spec.user)) continue;
    const ids = orders.filter((o) => o.user === spec.user).map((o) => o.id);
    if (spec.text(ids).includes('undefined')) continue;
    const created = t0 - spec.ageHours * HOUR - prng.int(0, 59) * 60_000;
    const ticket: SimTicket = {
      id: ++id,
      user: spec.user,
      subject: spec.subject,
      status: spec.status,
      created,
      lastUpdate: created,
      messages: [{ id: ++messageId, sender: 'user', author: spec.user, message: spec.text(ids), created }],
    };
    if (spec.staffReply) {
      const at = created + prng.int(10, 120) * 60_000;
      ticket.messages.push({
        id: ++messageId,
        sender: 'staff',
        author: 'Support',
        message: spec.staffReply,
        created: at,
      });
      ticket.lastUpdate = at;
    }
    tickets.push(ticket);
  }
  return tickets;
}
