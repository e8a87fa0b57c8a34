/**
 * The moving parts of the `scale-out` scenario: `smmbot` processes started exactly as the deployment
 * guide starts them (examples/scale-out/processes.mjs), a fake Graph API that counts answers per
 * recipient, and a signed-webhook poster. Everything runs on loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI, nodeArgv, type ProcessSpec } from '../../../examples/scale-out/processes.mjs';

/** The line `smmbot start` prints once it listens; group 1 is the port. */
const HOST_READY = /Web chat: http:\/\/[^:]+:(\d+)\//;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export class BenchProcess {
  readonly child: ChildProcess;
  private tail = '';
  private readonly exit: Promise<void>;

  constructor(spec: ProcessSpec, env: Record<string, string>, cwd: string) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm build)`);
    this.child = spawn(process.execPath, nodeArgv(spec), {
      cwd,
      env: { ...env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-8_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Resolves with the first match in the output; fails with the output when the process exits first. */
  async waitFor(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.tail);
      if (match) return match;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`scale-out: no ${what} (exit ${this.child.exitCode})\n${this.tail.slice(-3_000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The port `smmbot start` listens on, once it is ready. */
  async ready(): Promise<number> {
    return Number((await this.waitFor(HOST_READY, 'ready line'))[1]);
  }

  /** User + system CPU so far, in ms (Linux /proc; undefined elsewhere). */
  cpuMs(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM (a graceful drain), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}

/** A Graph API that answers every send and resolves waiters once all their recipients have an answer. */
export async function startCountingGraph() {
  const answered = new Set<string>();
  let sends = 0;
  let waiter: { recipients: Set<string>; left: number; done: () => void } | undefined;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const to = String((JSON.parse(raw) as { to?: string }).to ?? '');
      sends++;
      if (!answered.has(to)) {
        answered.add(to);
        if (waiter?.recipients.has(to) && --waiter.left === 0) waiter.done();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.out${sends}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v21.0`,
    get sends() {
      return sends;
    },
    /** How many of these recipients have an answer now. */
    answeredOf(recipients: string[]): number {
      return recipients.filter((r) => answered.has(r)).length;
    },
    /** Resolves when every recipient has at least one answer; rejects after `timeoutMs`. */
    allAnswered(recipients: string[], timeoutMs: number): Promise<void> {
      const set = new Set(recipients);
      const left = recipients.filter((r) => !answered.has(r)).length;
      if (left === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`scale-out: ${left} of ${recipients.length} messages unanswered after ${timeoutMs} ms`));
        }, timeoutMs);
        waiter = {
          recipients: set,
          left,
          done: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          },
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BenchMessage {
  id: string;
  from: string;
  text: string;
}

/** Texts an unverified customer gets one reply to (verification prompt or help), as in the multi-worker test. */
const TEXTS = ['hi', 'help', 'order 1001', 'refill 1002', 'hello', 'status 1003'];

export function benchMessages(round: string, count: number, firstSender: number): BenchMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `wamid.bench.${round}.${i}`,
    from: String(firstSender + i),
    text: TEXTS[i % TEXTS.length]!,
  }));
}

function webhookBody(phoneNumberId: string, m: BenchMessage): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: `Customer ${m.from}` }, wa_id: m.from }],
    messages: [{ from: m.from, id: m.id, timestamp: '1749416383', type: 'text', text: { body: m.text } }],
  };
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }],
  });
}

/** POSTs one signed webhook per message, `concurrency` in flight over keep-alive; every answer must be 200. */
export async function postWebhooks(
  url: string,
  o: { appSecret: string; phoneNumberId: string; concurrency: number },
  messages: BenchMessage[],
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const post = (raw: string) =>
    new Promise<number>((resolve, reject) => {
      const signature = `sha256=${createHmac('sha256', o.appSecret).update(raw).digest('hex')}`;
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
  let next = 0;
  const lane = async () => {
    while (next < messages.length) {
      const status = await post(webhookBody(o.phoneNumberId, messages[next++]!));
      if (status !== 200) throw new Error(`scale-out: a webhook answered ${status}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, lane));
  } finally {
    agent.destroy();
  }
}
