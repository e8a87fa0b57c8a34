import { rest } from './plugin.js';

export { CONFIG_TABS, type ConfigItem, ConfigService } from './config/service.js';
export { checkPanel, type PanelCheck } from './config/panel-check.js';
export {
  defineRoute,
  iso,
  notFound,
  PLUGIN_NAME,
  RestError,
  type RouteInput,
  type RouteSpec,
  toHttpError,
} from './http.js';
export { rest, restOptions } from './plugin.js';
export { restRoutes } from './routes.js';
export { type ContainerFor, Scope } from './scope.js';
export type { ListedGroup } from './groups/service.js';
export type { LoginInfoLike } from './channels/service.js';
export {
  type ConnectedChannel,
  type ConnectInput,
  channelName,
  RUNTIME_CHANNELS,
  type RuntimeChannelKind,
  type RuntimeChannelOptions,
  type RuntimeChannelRecord,
  RuntimeChannels,
  RuntimeChannelsToken,
} from './channels-connect.js';
export { channelConnectRoutes } from './channels-connect-routes.js';
export { channelWebhookRoutes, WEBHOOKS_PLUGIN } from './channels-webhook-routes.js';
export { vendorUrlAllowed, type WebhookChannelKind, webhookPathOf } from './channels-webhook-build.js';

export default rest;
