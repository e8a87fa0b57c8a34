import { formatOrder, type PanelOrder } from '@smmbot/core';
import { Telegraf, Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { fireInBatches, type Scenario, type ScenarioRound } from '../harness.js';
import { ReplyCheck, type Workload } from './workload.js';

type CallApi = (method: string, payload: Record<string, unknown>) => Promise<unknown>;
interface SentPayload {
  chat_id: number;
  text: string;
  reply_parameters?: { message_id: number };
}

/** The same async lookup the FakePanel does: a Map behind a promise. */
class MapPanel {
  private readonly orders = new Map<string, PanelOrder>();
  constructor(orders: PanelOrder[]) {
    for (const o of orders) this.orders.set(o.id, o);
  }
  async getOrders(_tenant: string, ids: string[]): Promise<PanelOrder[]> {
    return ids.flatMap((id) => {
      const o = this.orders.get(id);
      return o ? [o] : [];
    });
  }
}

/**
 * The anchor: a plain telegraf bot doing the same job with one `hears` handler, fed Telegram-shaped
 * updates through `handleUpdate`. The network is stubbed in-process: telegraf builds a new `Telegram`
 * client per update, so `callApi` is replaced on the prototype for the round and restored after.
 */
export function telegrafAnchorScenario(workload: Workload): Scenario {
  return {
    name: 'telegraf anchor',
    messages: workload.messages,
    async prepare(): Promise<ScenarioRound> {
      const sent: SentPayload[] = [];
      const proto = Telegram.prototype as unknown as { callApi: CallApi };
      const hadOwn = Object.hasOwn(proto, 'callApi');
      const original = proto.callApi;
      let messageId = 0;
      proto.callApi = async (method, payload) => {
        if (method !== 'sendMessage') throw new Error(`unexpected API call in the bench: ${method}`);
        const p = payload as unknown as SentPayload;
        sent.push(p);
        return {
          message_id: ++messageId,
          date: 0,
          chat: { id: p.chat_id, type: 'private', first_name: 'Bench' },
          text: p.text,
        };
      };
      const restore = () => {
        if (hadOwn) proto.callApi = original;
        else delete (proto as Partial<typeof proto>).callApi;
      };

      const bot = new Telegraf('123:TEST');
      bot.botInfo = {
        id: 123,
        is_bot: true,
        first_name: 'Bench Bot',
        username: 'bench_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      };
      const panel = new MapPanel(workload.orders);
      bot.hears(/^order\s+#?(\d+)/i, async (ctx) => {
        const id = ctx.match[1]!;
        const [order] = await panel.getOrders('default', [id]);
        const text = order ? formatOrder(order) : `Order #${id}: not found. Please check the number.`;
        await ctx.reply(text, { reply_parameters: { message_id: ctx.message.message_id } });
      });

      const now = Math.floor(Date.now() / 1000);
      const updates: Update[] = workload.texts.map((text, i) => {
        const user = 10_000 + (i % workload.senders);
        return {
          update_id: i + 1,
          message: {
            message_id: i + 1,
            date: now,
            from: { id: user, is_bot: false, first_name: `Customer ${user}` },
            chat: { id: user, type: 'private', first_name: `Customer ${user}` },
            text,
          },
        };
      });

      return {
        async run(record) {
          await fireInBatches(updates, workload.batch, (u) => bot.handleUpdate(u), record);
        },
        verify() {
          const check = new ReplyCheck(workload);
          for (const p of sent) {
            const order = workload.orders[(p.reply_parameters?.message_id ?? 0) - 1];
            if (!order) throw new Error(`reply to an unknown message: ${JSON.stringify(p.reply_parameters)}`);
            check.add(order.id, p.text);
          }
          check.verify('telegraf anchor');
        },
        async teardown() {
          restore();
        },
      };
    },
  };
}
