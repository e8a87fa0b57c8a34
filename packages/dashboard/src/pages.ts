import { PERMISSIONS, type Permission } from '@smmbot/core';

/** One dashboard page: where it lives under the app's path, its sidebar title, and who may see it. */
export interface DashboardPage {
  /** Client-side route under the base path (`/app/<id>`); also the page module `js/pages/<id>.js`. */
  id: string;
  title: string;
  /** The core permission the page needs; the sidebar shows only the pages the role passes. */
  permission: Permission;
}

/**
 * The pages in sidebar order (spec "Roles & Access"). The permission is the same one the APIs the page
 * calls are guarded by, so a page a role sees never fails with 403 and a page it may not use is hidden.
 * Channels (connect and disconnect numbers and bots, WhatsApp QR login, the balancer) is the owner's. The
 * chat inbox is a tab of Message Logs (same permission), so staff see exactly one page, as the spec says.
 */
export const PAGES: readonly DashboardPage[] = [
  { id: 'settings', title: 'Bot Settings', permission: 'dashboard.settings' },
  { id: 'templates', title: 'Templates', permission: 'dashboard.templates' },
  { id: 'groups', title: 'Groups', permission: 'dashboard.groups' },
  { id: 'marketing', title: 'Marketing', permission: 'dashboard.marketing' },
  { id: 'customers', title: 'Customers', permission: 'dashboard.customers' },
  { id: 'logs', title: 'Message Logs', permission: 'dashboard.logs' },
  { id: 'providers', title: 'Providers', permission: 'dashboard.providers' },
  { id: 'services', title: 'Service Search', permission: 'dashboard.services' },
  { id: 'staff', title: 'Admin & Staff', permission: 'dashboard.staff' },
  { id: 'channels', title: 'Channels', permission: 'dashboard.channels' },
  { id: 'billing', title: 'Billing', permission: 'dashboard.billing' },
];

/** Old page ids that still open their page (bookmarks): `/app/whatsapp` is now `/app/channels`. */
export const PAGE_ALIASES: Readonly<Record<string, string>> = { whatsapp: 'channels' };

/** Pages outside the workspace: sign-up, login, forgot password and the master admin. */
export const PUBLIC_PAGES = ['signup', 'login', 'forgot', 'master'] as const;

/** What the page script needs before its first request: inlined into index.html as JSON. */
export function bootData(basePath: string) {
  return { basePath, permissions: PERMISSIONS, pages: PAGES, aliases: PAGE_ALIASES };
}
