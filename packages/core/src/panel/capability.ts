import { PanelError } from '../errors.js';
import type { PanelCapability, PanelClient } from './types.js';

const WHAT: Record<PanelCapability, string> = {
  'orders.get': 'order look-ups',
  'orders.byUser': 'listing a customer’s orders',
  'users.get': 'user look-ups',
  'orders.refill': 'refills',
  'orders.cancel': 'cancellations',
  'orders.speedup': 'speed-up requests',
  'orders.refund': 'refunds',
  'orders.setPartial': 'partial completion',
  'orders.complete': 'completing orders',
  'refills.status': 'refill status',
  balance: 'balance checks',
  services: 'the service list',
  'tickets.list': 'support tickets',
  'tickets.get': 'support tickets',
  'tickets.reply': 'replying to tickets',
  'tickets.create': 'opening tickets',
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
    customerMessage: `Sorry, ${WHAT[capability]} are not available through this bot. Please contact support.`,
    details: { panel: panel.name, capability },
  });
}
