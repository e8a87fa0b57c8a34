import { support } from './plugin.js';

export { createSupportContext, type SupportContext } from './context.js';
export { type SupportOptions, supportOptions } from './options.js';
export type { EscalationReport, EscalationScope } from './admin/ops-escalate.js';
export { type Escalation, EscalationToken, IdentityServiceToken, PLUGIN_NAME, support } from './plugin.js';
export * from './identity/index.js';
export * from './log/index.js';
export * from './marketing/index.js';
export * from './records.js';
export { type LogDraft, type SupportState, supportState } from './state.js';
export { DEFAULT_TEMPLATES, draft, renderTemplate, type TemplateKey } from './templates/defaults.js';

export default support;
export * from './orders/index.js';
export * from './tickets/index.js';
