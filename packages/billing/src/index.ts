export { Billing, type BillingDeps, BillingToken } from './billing.js';
export { type DropReason, mediumOf, PlanGate } from './enforcement.js';
export { BillingError, PlanError } from './errors.js';
export { type ErrorEntry, HealthMonitor, type PanelHealth, safeMessage } from './health.js';
export { PLUGIN_NAME } from './http.js';
export { InvoiceBook, type NewInvoice } from './invoices.js';
export { MessageMeter, MeteredAi, MeteredBalancer, MeteredOutbox } from './metered.js';
export { MODULE_OF_PERMISSION, ModuleGatedRoutes, moduleOf } from './module-routes.js';
export { type BillingOptions, billingOptions, type TenantServicesFn } from './options.js';
export { addInterval, utcMonth } from './periods.js';
export { PlanCatalog } from './plans.js';
export { billing, HealthMonitorToken } from './plugin.js';
export {
  type BillingProvider,
  BillingProviderToken,
  type CheckoutResult,
  formatAmount,
  ManualProvider,
  type PortalResult,
  type ProviderRequest,
} from './provider.js';
export { type SubscriptionChange, SubscriptionBook } from './subscriptions.js';
export * from './types.js';
export { type UsageReport, UsageMeter } from './usage.js';
export { type WorkspaceHealth, workspaceHealth } from './workspace-health.js';
export { billing as default } from './plugin.js';
