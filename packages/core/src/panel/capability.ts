import { PanelError } from '../errors.js';
import type { PanelCapability, PanelClient } from './types.js';

/** What the bot cannot do without each capability, as a customer reads it. */
const CANNOT: Record<PanelCapability, string> = {
  'orders.get': 'look up orders',
  'orders.byUser': 'list your orders',
  'users.get': 'look up accounts',
  'orders.refill': 'request refills',
  'orders.cancel': 'cancel orders',
  'orders.speedup': 'speed up orders',
  'orders.refund': 'request refunds',
  'orders.setPartial': 'mark orders as partial',
  'orders.complete': 'complete orders',
  'refills.status': 'check refill status',
  balance: 'check your balance',
  services: 'show the service list',
  'tickets.list': 'show support tickets',
  'tickets.get': 'show support tickets',
  'tickets.reply': 'reply to support tickets',
  'tickets.create': 'open support tickets',
};

export function hasCapability(panel: PanelClient, capability: PanelCapability): boolean {
  return panel.capabilities.has(capability);
}

/**
 * Throws a typed `unsupported` error, with a customer text naming what is missing, when the panel
 * lacks a capability: a panel without refills degrades to a clear message instead of failing.
 */
export function requireCapability(panel: PanelClient, capability: PanelCapability): void {
  if (panel.capabilities.has(capability)) return;
  throw new PanelError('unsupported', `panel "${panel.name}" does not support ${capability}`, {
    customerMessage: `Sorry, this bot cannot ${CANNOT[capability]} on this panel. Please contact support.`,
    details: { panel: panel.name, capability },
  });
}
