import type { Role } from './turn.js';

/**
 * The one permission table (spec "Roles & Access"). Bot commands and, later, every REST endpoint
 * check it through `can()`; nothing decides access by comparing role names in handlers.
 */
export const PERMISSIONS = {
  /** Customer commands: order, refill, cancel, ... (customers act on their own orders only). */
  'bot.customer_commands': ['customer', 'staff', 'staff_admin', 'owner'],
  'bot.config': ['owner'],
  'bot.broadcast': ['staff_admin', 'owner'],
  'bot.group_flags': ['staff_admin', 'owner'],
  'bot.bulk_verify': ['staff_admin', 'owner'],
  'bot.resolve': ['staff', 'staff_admin', 'owner'],
  'bot.refill_verify': ['staff', 'staff_admin', 'owner'],
  'bot.provider_status': ['staff', 'staff_admin', 'owner'],
  'bot.status': ['staff_admin', 'owner'],
  'bot.users': ['staff_admin', 'owner'],
  'bot.groups': ['staff_admin', 'owner'],
  /** Acting on any customer's order (staff tools skip the ownership check). */
  'orders.any_owner': ['staff', 'staff_admin', 'owner'],
  'dashboard.settings': ['staff_admin', 'owner'],
  'dashboard.templates': ['staff_admin', 'owner'],
  'dashboard.groups': ['staff_admin', 'owner'],
  'dashboard.marketing': ['staff_admin', 'owner'],
  'dashboard.customers': ['staff_admin', 'owner'],
  'dashboard.providers': ['staff_admin', 'owner'],
  'dashboard.services': ['staff_admin', 'owner'],
  'dashboard.logs': ['staff', 'staff_admin', 'owner'],
  'dashboard.billing': ['owner'],
  'dashboard.staff': ['owner'],
  /** Connecting and removing channels (numbers, bots) and logging WhatsApp numbers in: the owner's (spec). */
  'dashboard.channels': ['owner'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLES: readonly Role[] = ['customer', 'staff', 'staff_admin', 'owner'];
