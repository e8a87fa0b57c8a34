import { sendApi } from './plugin.js';

export { type ApiKeyInfo, ApiKeyService, type CreatedApiKey } from './api-keys.js';
export {
  type AutoReplyInput,
  AutoReplyRuleError,
  AutoReplyService,
  type EffectiveRule,
  type StoredAutoReplyRule,
} from './auto-reply.js';
export { MATCH_TYPES, type MatchType, rulePatternProblem } from './auto-reply-rules.js';
export { normalizeNumber } from './numbers.js';
export {
  type AutoReplyRule,
  type SendApiOptions,
  sendApiOptions,
  type TemplateOptions,
  type WebhookTarget,
} from './options.js';
export { ApiKeyServiceToken, AutoReplyServiceToken, PLUGIN_NAME, sendApi, WebhookDeliveriesToken } from './plugin.js';
export { SEND_PATH, STATUS_PATH } from './routes.js';
export { DEFAULT_BODY, mergeTemplate } from './template.js';
export { signWebhookBody, type WebhookDelivery, WebhookDeliveries, type WebhookPayload } from './webhook.js';

export default sendApi;
export { ALERTS_PATH, monitorRoutes, RESOLVE_ALERT_PATH, SNAPSHOT_PATH } from './monitor-routes.js';
