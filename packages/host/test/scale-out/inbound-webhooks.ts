import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/** One customer message as Meta delivers it. Each has its own sender, so answers count per recipient. */
export interface CustomerMessage {
  id: string;
  from: string;
  text: string;
}

/** One POST: its body holds one message, or a batch (a redelivered message with a new one). */
export interface WebhookPost {
  messages: CustomerMessage[];
  /** Deliveries of a message already posted (the duplicates and redeliveries in this body). */
  duplicates: number;
  kind: 'first' | 'immediate' | 'batch' | 'later';
}

export const PHONE_NUMBER_ID = '106540352242922';

/**
 * Texts an unverified customer gets exactly one reply to (a verification prompt or the help),
 * without a panel call: the answer count then depends on delivery alone.
 */
const TEXTS = ['hi', 'help', 'order 1001', 'refill 1002', 'hello', 'status 1003'];

/** A webhook body in the shape Meta documents (channel-whatsapp-cloud/test/events.ts), several messages allowed. */
export function webhookBody(messages: CustomerMessage[]): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
    contacts: messages.map((m) => ({ profile: { name: `Customer ${m.from}` }, wa_id: m.from })),
    messages: messages.map((m) => ({
      from: m.from,
      id: m.id,
      timestamp: '1749416383',
      type: 'text',
      text: { body: m.text },
    })),
  };
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }],
  });
}

/** `X-Hub-Signature-256` as Meta computes it over the raw body with the app secret. */
export const signature = (raw: string, appSecret: string) =>
  `sha256=${createHmac('sha256', appSecret).update(raw, 'utf8').digest('hex')}`;

/** mulberry32: the plan is the same for a given seed, so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DeliveryPlan {
  unique: CustomerMessage[];
  /** Posted first, in order: new messages, each immediate duplicate right after its original, batches. */
  main: WebhookPost[];
  /** Posted after the kill and restart: messages handled long before, delivered again. */
  later: WebhookPost[];
  duplicates: { immediate: number; batch: number; later: number };
}

/**
 * `total` deliveries of which `duplicates` repeat a message: about 40 % re-POSTed at once (Meta
 * retrying a slow 200), 30 % inside a batch with a new message, 30 % redelivered at the end.
 */
export function deliveryPlan(total: number, duplicates: number, seed: number): DeliveryPlan {
  const random = seeded(seed);
  const uniqueCount = total - duplicates;
  const unique = Array.from({ length: uniqueCount }, (_, i) => ({
    id: `wamid.scaleout.${seed}.${i}`,
    from: String(8_801_900_000_000 + i),
    text: TEXTS[i % TEXTS.length]!,
  }));
  const batchCount = Math.round(duplicates * 0.3);
  const laterCount = Math.round(duplicates * 0.3);
  const immediateCount = duplicates - batchCount - laterCount;
  // Which new messages get an immediate duplicate, and which travel in a batch with an older one.
  const pick = (n: number, from: number[]) => {
    const pool = [...from];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  };
  const indexes = Array.from({ length: uniqueCount - 1 }, (_, i) => i + 1);
  const batched = new Set(pick(batchCount, indexes));
  const immediate = new Set(pick(immediateCount, indexes));
  const main: WebhookPost[] = [];
  for (let i = 0; i < uniqueCount; i++) {
    const message = unique[i]!;
    if (batched.has(i)) {
      // A message posted a little earlier (maybe still in flight) comes again with this one.
      const older = unique[Math.max(0, i - 1 - Math.floor(random() * 200))]!;
      main.push({ messages: [older, message], duplicates: 1, kind: 'batch' });
    } else main.push({ messages: [message], duplicates: 0, kind: 'first' });
    if (immediate.has(i)) main.push({ messages: [message], duplicates: 1, kind: 'immediate' });
  }
  const later = pick(
    laterCount,
    Array.from({ length: Math.floor(uniqueCount / 2) }, (_, i) => i),
  ).map((i): WebhookPost => ({ messages: [unique[i]!], duplicates: 1, kind: 'later' }));
  return { unique, main, later, duplicates: { immediate: immediateCount, batch: batchCount, later: laterCount } };
}

/** POSTs signed webhooks over keep-alive, at most `concurrency` in flight; every answer must be 200. */
export class WebhookSender {
  private readonly agent: Agent;
  readonly statuses = new Map<number, number>();
  posted = 0;

  constructor(
    private readonly url: string,
    private readonly appSecret: string,
    concurrency: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** Sends every post, `concurrency` at a time, in order of start. */
  async sendAll(posts: WebhookPost[], concurrency: number): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < posts.length) {
        const post = posts[next++]!;
        const status = await this.post(webhookBody(post.messages));
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        this.posted++;
        if (status !== 200) throw new Error(`webhook answered ${status} (a Meta retry would follow)`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  private post(raw: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(raw),
            'x-hub-signature-256': signature(raw, this.appSecret),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(raw);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
