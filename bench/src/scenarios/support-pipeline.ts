import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActionResult,
  createEngine,
  createLogger,
  type InboundMessage,
  type PanelCapability,
  type PanelClient,
  type PanelOrder,
  Tokens,
} from '@smmbot/core';
import { FakeChannel, FakePanel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { sqliteStorage } from '@smmbot/storage-sqlite';
import { IDENTITIES, type IdentityRecord, identityId, LOGS, type LogRecord, support } from '@smmbot/support';
import { fireInBatches, type Scenario, type ScenarioRound } from '../harness.js';
import type { Workload } from './workload.js';

const CHANNEL = 'bench';
const TENANT = 'default';
const DAY_MS = 86_400_000;

/**
 * Which messages are `refill <id>` instead of `order <id>`: 3 in every 30, all on `completed` orders
 * (the workload's statuses cycle with i mod 6, 3 = completed) of a service with a 60-day refill
 * window ("YouTube Subscribers [Non Drop] [R60]", also i mod 6 = 3). 10% of the messages.
 */
export const isRefill = (i: number) => i % 30 === 3 || i % 30 === 9 || i % 30 === 15;

const senderOf = (i: number, workload: Workload) => String(10_000 + (i % workload.senders));
const panelUserOf = (sender: string) => `customer${Number(sender) - 10_000}`;

/**
 * The FakePanel's `getOrders`, plus an instant `refill` (FakePanel declares only `orders.get`), so the
 * support workflow's refill path dispatches through the panel route. Counts the refills it accepted.
 */
class RefillingPanel implements PanelClient {
  readonly name = 'bench-panel';
  readonly capabilities: ReadonlySet<PanelCapability> = new Set<PanelCapability>(['orders.get', 'orders.refill']);
  readonly refilled: string[] = [];
  private next = 1;

  constructor(private readonly inner: FakePanel) {}

  getOrders(ids: string[]): Promise<PanelOrder[]> {
    return this.inner.getOrders(ids);
  }

  async refill(ids: string[]): Promise<ActionResult[]> {
    this.refilled.push(...ids);
    return ids.map((orderId) => ({ orderId, ok: true, reference: String(this.next++) }));
  }
}

/**
 * The Foundation workload through the full support pipeline: `support()` instead of `basicCommands()`,
 * every sender a verified customer (identity pre-linked to the panel user owning its orders), ownership
 * checked per order, the per-command repeat cooldown, 10% `refill` messages (ownership → eligibility →
 * order+action cooldown claim → panel dispatch → cooldown confirmed), and every turn written to the
 * message log in the `settled` tap — all stores in SQLite (`sqliteStorage` on a temp file, deleted
 * after the round). `storage: 'memory'` swaps in `memoryStorage()`: an ablation that separates the
 * workflow's cost from SQLite's.
 */
export function supportPipelineScenario(workload: Workload, storage: 'sqlite' | 'memory' = 'sqlite'): Scenario {
  // Orders updated yesterday, so a completed order is inside its refill window whatever today is.
  const orders = workload.orders.map((o) => ({ ...o, updatedAt: new Date(Date.now() - DAY_MS) }));
  const byId = new Map(orders.map((o) => [o.id, o]));
  const refills = workload.texts.filter((_, i) => isRefill(i)).length;
  for (let i = 0; i < orders.length; i++) {
    if (isRefill(i) && orders[i]!.status !== 'completed') throw new Error(`refill of a non-completed order ${i}`);
  }
  return {
    name: storage === 'sqlite' ? 'smmbot support pipeline' : 'smmbot support pipeline (memory storage)',
    messages: workload.messages,
    async prepare(round: number): Promise<ScenarioRound> {
      const dir = mkdtempSync(join(tmpdir(), 'smmbot-bench-support-'));
      const channel = new FakeChannel(CHANNEL, TENANT);
      const panel = new RefillingPanel(new FakePanel(orders));
      const logger = createLogger({ level: 'info', destination: { write() {} } });
      const engine = createEngine({
        logger,
        plugins: [
          storage === 'sqlite' ? sqliteStorage({ path: join(dir, 'smmbot.db') }) : memoryStorage(),
          channel.plugin(),
          { name: 'bench-panel', register: (c) => c.register(Tokens.Panel, { useValue: panel }) },
          support({}),
        ],
      });
      await engine.start();
      const store = engine.container.resolve(Tokens.Store);

      // Every sender is a verified customer: its identity is linked to the panel user owning its orders.
      const now = Date.now();
      const identities: IdentityRecord[] = [];
      for (let s = 0; s < workload.senders; s++) {
        const address = senderOf(s, workload);
        identities.push({
          id: identityId(CHANNEL, address),
          tenantId: TENANT,
          channel: CHANNEL,
          address,
          aliases: [],
          displayName: `Customer ${address}`,
          panelUser: panelUserOf(address),
          status: 'active',
          verifiedAt: now,
          verifiedBy: 'admin',
          lastActiveAt: now,
          createdAt: now,
        });
      }
      await store.collection<IdentityRecord>(IDENTITIES).upsertMany(TENANT, identities);

      const asked = new Map<string, { orderId: string; sender: string; refill: boolean }>();
      const messages: InboundMessage[] = workload.texts.map((text, i) => {
        const user = senderOf(i, workload);
        const id = `r${round}-m${i}`;
        const orderId = orders[i]!.id;
        asked.set(id, { orderId, sender: user, refill: isRefill(i) });
        return {
          id,
          tenantId: TENANT,
          channel: CHANNEL,
          chat: { id: user, kind: 'private' },
          sender: { id: user, displayName: `Customer ${user}` },
          text: isRefill(i) ? `refill ${orderId}` : text,
          sentAt: Date.now(),
        };
      });

      return {
        async run(record) {
          await fireInBatches(messages, workload.batch, (m) => engine.handle(m), record);
        },
        verify() {
          const problems: string[] = [];
          const answered = new Set<string>();
          for (const sent of channel.sent) {
            const request = asked.get(sent.inReplyTo ?? '');
            if (!request) throw new Error(`reply to an unknown message: ${sent.inReplyTo}`);
            if (answered.has(sent.inReplyTo!)) problems.push(`message ${sent.inReplyTo} answered twice`);
            answered.add(sent.inReplyTo!);
            const expected = request.refill
              ? `Refill requested for order #${request.orderId}`
              : `Order #${request.orderId}*`;
            if (!sent.text.includes(expected)) problems.push(`reply to ${sent.inReplyTo} lacks "${expected}"`);
            // Every order id in the reply (`#1000123`) must be one of the sender's own orders.
            for (const [, id] of sent.text.matchAll(/#(\d+)/g)) {
              if (byId.get(id!)?.user !== panelUserOf(request.sender)) {
                problems.push(`reply to ${request.sender} names order ${id}, not theirs`);
              }
            }
            if (problems.length > 10) break;
          }
          if (answered.size !== workload.messages) problems.push(`${answered.size} of ${workload.messages} answered`);
          if (panel.refilled.length !== refills) problems.push(`${panel.refilled.length} refills, ${refills} expected`);
          if (problems.length) throw new Error(`support pipeline: wrong replies:\n  ${problems.join('\n  ')}`);
        },
        async teardown() {
          try {
            // The log rows (written by the settled tap before each handle() resolved), counted in SQLite.
            const logs = store.collection<LogRecord>(LOGS);
            const rows = await logs.count(TENANT);
            const refillRows = await logs.count(TENANT, { action: 'refill', result: 'ok' });
            if (rows !== workload.messages || refillRows !== refills) {
              throw new Error(
                `support pipeline: ${rows} log rows for ${workload.messages} messages, ` +
                  `${refillRows} ok refill rows for ${refills} refills`,
              );
            }
          } finally {
            await engine.stop();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}
