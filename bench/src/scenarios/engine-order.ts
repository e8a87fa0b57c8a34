import { basicCommands, createEngine, createLogger, type InboundMessage } from '@smmbot/core';
import { FakeChannel, FakePanel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { fireInBatches, type Scenario, type ScenarioRound } from '../harness.js';
import { ReplyCheck, type Workload } from './workload.js';

const CHANNEL = 'bench';
const TENANT = 'default';

/**
 * Every stage of the engine: conversation queue, dedupe claim in the kv store, tenant config,
 * inbound/verify hooks, command parsing, the `order` command against a panel, reply hook, outbox,
 * channel, `sent` hook, the dedupe "done" mark and one pino `info` line per turn (to a discarding sink).
 */
export function engineOrderScenario(workload: Workload): Scenario {
  return {
    name: 'smmbot engine',
    messages: workload.messages,
    async prepare(round: number): Promise<ScenarioRound> {
      const channel = new FakeChannel(CHANNEL, TENANT);
      const panel = new FakePanel(workload.orders);
      const logger = createLogger({ level: 'info', destination: { write() {} } });
      const engine = createEngine({
        logger,
        plugins: [memoryStorage(), channel.plugin(), panel.plugin(), basicCommands()],
      });
      await engine.start();

      const orderOf = new Map<string, string>();
      const messages: InboundMessage[] = workload.texts.map((text, i) => {
        const user = String(10_000 + (i % workload.senders));
        const id = `r${round}-m${i}`;
        orderOf.set(id, workload.orders[i]!.id);
        return {
          id,
          tenantId: TENANT,
          channel: CHANNEL,
          chat: { id: user, kind: 'private' },
          sender: { id: user, displayName: `Customer ${user}` },
          text,
          sentAt: Date.now(),
        };
      });

      return {
        async run(record) {
          await fireInBatches(messages, workload.batch, (m) => engine.handle(m), record);
        },
        verify() {
          const check = new ReplyCheck(workload);
          for (const sent of channel.sent) {
            const orderId = orderOf.get(sent.inReplyTo ?? '');
            if (!orderId) throw new Error(`reply to an unknown message: ${sent.inReplyTo}`);
            check.add(orderId, sent.text);
          }
          check.verify('smmbot engine');
        },
        async teardown() {
          await engine.stop();
        },
      };
    },
  };
}
