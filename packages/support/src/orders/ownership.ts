import { can, type PanelOrder, type Turn } from '@smmbot/core';
import { supportState } from '../state.js';
import type { OrderOutcome } from './types.js';

/**
 * Ownership (research §1.7): an order belongs to the customer whose linked panel username equals the
 * order's `user`, compared trimmed and case-insensitively. Roles with `orders.any_owner` (staff) may act
 * on any order; everybody else is refused per order, also in bulk commands, and an order whose `user`
 * the panel did not report is treated as not theirs (never as everyone's).
 */

/** Who is asking: the linked panel user (if any) and whether the role may act on any customer's order. */
export interface Actor {
  panelUser?: string;
  anyOwner: boolean;
  /** Stable key for per-user throttles: the panel user, else the chat identity. */
  key: string;
}

export function sameUser(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = a.trim().toLowerCase();
  return x !== '' && x === b.trim().toLowerCase();
}

export function actorOf(turn: Turn): Actor {
  const linked = turn.panelUser ?? supportState(turn).identity?.panelUser;
  const panelUser = linked?.trim() ? linked.trim() : undefined;
  return {
    panelUser,
    anyOwner: can(turn.role, 'orders.any_owner'),
    key: panelUser ? `user:${panelUser.toLowerCase()}` : `chat:${turn.message.channel}:${turn.message.sender.id}`,
  };
}

export function ownsOrder(actor: Actor, order: PanelOrder): boolean {
  return actor.anyOwner || sameUser(order.user, actor.panelUser);
}

/** The refusal for an order that was not found or is not the actor's; undefined when it may be used. */
export function ownershipRefusal(
  actor: Actor,
  orderId: string,
  order: PanelOrder | undefined,
): OrderOutcome | undefined {
  if (!order) {
    return { orderId, kind: 'refused', key: 'order_not_found', vars: { order_id: orderId }, reason: 'not_found' };
  }
  if (!ownsOrder(actor, order)) {
    return { orderId, kind: 'refused', key: 'order_not_owned', vars: { order_id: orderId }, reason: 'not_owned' };
  }
  return undefined;
}
