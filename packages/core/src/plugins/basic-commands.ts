import { z } from 'zod';
import { Stage } from '../hooks.js';
import type { PanelOrder } from '../panel/index.js';
import { definePlugin } from '../plugin.js';
import { Tokens } from '../tokens.js';
import type { Outcome, Turn } from '../turn.js';

/** The help menu: always this fixed text, in every chat mode (spec "help"). */
export const HELP_TEXT = [
  'Here is what I can do:',
  '• order <id> — order status (several ids: order 123, 124)',
  '• refill <id> — request a refill',
  '• refill status <id> — refill progress',
  '• cancel <id> — cancel an order',
  '• speed up <id> — ask to speed up an order',
  '• refund <id> — request a refund',
  '• partial <id> — request partial delivery',
  '• balance — your account balance',
  '• services — the service list',
  '• ticket <id> — status of a support ticket',
  '• my username — the panel username linked to this chat',
].join('\n');

const STATUS_LABEL: Record<PanelOrder['status'], string> = {
  pending: 'Pending',
  processing: 'Processing',
  in_progress: 'In progress',
  completed: 'Completed',
  partial: 'Partial',
  canceled: 'Canceled',
  refunded: 'Refunded',
  failed: 'Failed',
  unknown: 'Unknown',
};

export function formatOrder(order: PanelOrder): string {
  const lines = [`Order #${order.id}`];
  if (order.serviceName) lines.push(`Service: ${order.serviceName}`);
  lines.push(`Status: ${STATUS_LABEL[order.status]}`);
  if (order.startCount !== undefined || order.remains !== undefined) {
    lines.push(`Start count: ${order.startCount ?? '-'} | Remains: ${order.remains ?? '-'}`);
  }
  if (order.charge !== undefined) lines.push(`Charge: ${order.charge}${order.currency ? ` ${order.currency}` : ''}`);
  return lines.join('\n');
}

async function orderStatus(turn: Turn, ids: string[]): Promise<Outcome> {
  if (ids.length === 0) {
    return {
      reason: 'order_no_ids',
      replies: [{ text: 'Please send the order id, for example: order 54321', template: 'order_missing_id' }],
    };
  }
  const panel = turn.services.resolve(Tokens.Panel);
  const orders = await panel.getOrders(ids);
  const found = new Map(orders.map((o) => [o.id, o]));
  const blocks = ids.map((id) => {
    const order = found.get(id);
    return order ? formatOrder(order) : `Order #${id}: not found. Please check the number.`;
  });
  const facts = orders.flatMap((o) => [o.id, STATUS_LABEL[o.status]]);
  return { reason: 'order_status', replies: [{ text: blocks.join('\n\n'), template: 'order_status', facts }] };
}

const NOT_YET =
  'Thanks for your message! This bot is not connected to a panel yet, so I cannot look up orders or act on them. ' +
  'Type "help" to see the commands, or contact our support team.';

/**
 * The commands that work with no more than a panel connection: `help`, `order <ids>`, and a polite
 * answer for everything a connected panel would do. The Support-workflows issue replaces the
 * fallbacks with the full command set (verification, ownership, eligibility, dispatch).
 */
export const basicCommands = definePlugin({
  name: '@smmbot/core:basic-commands',
  options: z.object({ fallbackText: z.string().default(NOT_YET) }),
  setup: (options) => ({
    name: '@smmbot/core:basic-commands',
    apply({ hooks }) {
      hooks.command
        .for('help')
        .tap('help', () => ({ reason: 'help', replies: [{ text: HELP_TEXT, template: 'help' }] }));
      hooks.command
        .for('order')
        .tap('order-status', (turn, command) =>
          command.ids.length === 0 || turn.services.has(Tokens.Panel) ? orderStatus(turn, command.ids) : undefined,
        );
      hooks.command.for('unknown').tap(
        'fallback',
        (turn) => {
          // Free text with no command in it gets one polite line; a known verb we cannot serve yet says so.
          const known = turn.command && turn.command.id !== 'unknown';
          const text = !known
            ? `Sorry, I did not understand that. ${HELP_HINT}`
            : turn.services.has(Tokens.Panel)
              ? NOT_SWITCHED_ON
              : options.fallbackText;
          return { reason: known ? 'not_available' : 'not_understood', replies: [{ text, template: 'fallback' }] };
        },
        { stage: Stage.FALLBACK },
      );
    },
  }),
});

const HELP_HINT = 'Type "help" to see what I can do.';
const NOT_SWITCHED_ON =
  'This request is not switched on in the bot yet, so please contact our support team for it. ' +
  'I can look up your orders right now: send "order" and the order number, e.g. order 54321.';
