/**
 * The outside world of the `cloud-webhook` scenario, run as a child process so the parent's CPU
 * figures are the server's alone: Meta (signed webhook POSTs over keep-alive, bounded concurrency)
 * and the Graph API (a loopback fake that answers every send with 200 and a message id).
 */
import { createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadCommand {
  type: 'run';
  url: string;
  phoneNumberId: string;
  round: number;
  concurrency: number;
  /** The order asked for by request i (text `order <id>`); one request per order. */
  orderIds: string[];
  senders: number;
  /** Requests signed with the wrong secret, spread through the run: each must get 401 and no reply. */
  bad: number;
  secret: string;
  /** Wait for one Graph send per good request (the engine side); the bare route sends nothing. */
  expectReplies: boolean;
  timeoutMs: number;
}

export interface LoadResult {
  type: 'result';
  /** Ack latency (ms) of every good request, in completion order. */
  latencies: number[];
  ackWallMs: number;
  /** From the first POST to the last expected reply at the fake Graph endpoint (= ackWallMs without replies). */
  e2eWallMs: number;
  timedOut: boolean;
  /** Load generator + fake Graph CPU (ms): not part of the server's figures. */
  clientCpuMs: number;
  statuses: { ok: number; unauthorized: number; other: string[] };
  replies: { total: number; distinct: number; duplicates: number; unexpected: number; wrongText: number };
  /** TCP connections the server opened to the fake Graph endpoint during the run. */
  graphConnections: number;
}

const sign = (raw: string, secret: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

function webhook(phoneNumberId: string, wamid: string, from: string, text: string): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: `Customer ${from}` }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: '1749416383', type: 'text', text: { body: text } }],
  };
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }],
  });
}

/** Reply accounting of the current run, fed by the fake Graph endpoint. */
let expected = new Map<string, string>();
let seen = new Map<string, number>();
let counts = { total: 0, unexpected: 0, wrongText: 0 };
let onAllReplied: (() => void) | undefined;
let outId = 0;
let connections = 0;

const graph = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    raw += chunk;
  });
  req.on('end', () => {
    const body = JSON.parse(raw) as { to?: string; text?: { body?: string }; context?: { message_id?: string } };
    const wamid = body.context?.message_id ?? '';
    const orderId = expected.get(wamid);
    counts.total++;
    if (orderId === undefined) counts.unexpected++;
    else {
      if (!body.text?.body?.includes(`Order #${orderId}`)) counts.wrongText++;
      seen.set(wamid, (seen.get(wamid) ?? 0) + 1);
      if (seen.size === expected.size) onAllReplied?.();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.out${++outId}` }],
      }),
    );
  });
});

function post(agent: Agent, url: URL, raw: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(raw),
          'x-hub-signature-256': signature,
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

async function run(cmd: LoadCommand): Promise<LoadResult> {
  // Bodies and signatures are built before the clock starts.
  const n = cmd.orderIds.length;
  const every = cmd.bad > 0 ? Math.floor(n / cmd.bad) : Number.POSITIVE_INFINITY;
  const items: { raw: string; signature: string; good: boolean }[] = [];
  expected = new Map();
  seen = new Map();
  counts = { total: 0, unexpected: 0, wrongText: 0 };
  connections = 0;
  for (let i = 0; i < n; i++) {
    const from = String(16_505_550_000 + (i % cmd.senders));
    const wamid = `wamid.bench.r${cmd.round}.${i}`;
    const raw = webhook(cmd.phoneNumberId, wamid, from, `order ${cmd.orderIds[i]}`);
    items.push({ raw, signature: sign(raw, cmd.secret), good: true });
    expected.set(wamid, cmd.orderIds[i]!);
    if ((i + 1) % every === 0 && items.length - (i + 1) < cmd.bad) {
      const badRaw = webhook(cmd.phoneNumberId, `wamid.bench.r${cmd.round}.bad${i}`, from, `order ${cmd.orderIds[i]}`);
      items.push({ raw: badRaw, signature: sign(badRaw, 'not-the-app-secret'), good: false });
    }
  }
  const agent = new Agent({ keepAlive: true, maxSockets: cmd.concurrency });
  const url = new URL(cmd.url);
  const latencies: number[] = [];
  const statuses = { ok: 0, unauthorized: 0, other: [] as string[] };
  let e2eNs: bigint | undefined;
  const allReplied = new Promise<void>((resolve) => {
    onAllReplied = () => {
      e2eNs ??= process.hrtime.bigint();
      resolve();
    };
  });

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const start = process.hrtime.bigint();
      const status = await post(agent, url, item.raw, item.signature);
      if (item.good) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (item.good && status === 200) statuses.ok++;
      else if (!item.good && status === 401) statuses.unauthorized++;
      else statuses.other.push(`${item.good ? 'signed' : 'bad-signature'} request got ${status}`);
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  const ackNs = process.hrtime.bigint();
  let timedOut = false;
  if (cmd.expectReplies) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, cmd.timeoutMs);
    });
    await Promise.race([allReplied, timeout]);
    clearTimeout(timer);
  }
  const endNs = cmd.expectReplies ? (e2eNs ?? process.hrtime.bigint()) : ackNs;
  const cpu = process.cpuUsage(cpu0);
  // A short grace so a late duplicate or a reply to a rejected request would still be counted.
  await new Promise((resolve) => setTimeout(resolve, 200));
  agent.destroy();
  onAllReplied = undefined;
  const duplicates = [...seen.values()].reduce((sum, c) => sum + c - 1, 0);
  return {
    type: 'result',
    latencies,
    ackWallMs: Number(ackNs - t0) / 1e6,
    e2eWallMs: Number(endNs - t0) / 1e6,
    timedOut,
    clientCpuMs: (cpu.user + cpu.system) / 1e3,
    statuses,
    replies: { ...counts, distinct: seen.size, duplicates },
    graphConnections: connections,
  };
}

graph.on('connection', () => {
  connections++;
});
graph.listen(0, '127.0.0.1', () => {
  const { port } = graph.address() as AddressInfo;
  process.send?.({ type: 'ready', graphBaseUrl: `http://127.0.0.1:${port}/v21.0` });
});
process.on('message', (cmd: LoadCommand | { type: 'exit' }) => {
  if (cmd.type === 'exit') {
    graph.close();
    process.disconnect();
    return;
  }
  run(cmd).then(
    (result) => process.send?.(result),
    (err: unknown) => process.send?.({ type: 'error', message: String(err) }),
  );
});
