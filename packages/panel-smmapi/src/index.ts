export {
  CLASSIC_ACTIONS,
  type ClassicAction,
  classifyError,
  type ErrorClass,
  errorOf,
  unsupportedText,
} from './errors.js';
export { BATCH_SIZE, endpointOf } from './api.js';
export { type AddOrderResult, SmmApiPanel, type SmmApiPanelOptions } from './panel.js';
export { actionResult, type RefillStatusResult, refillStatusOf, toOrder, toService } from './parse.js';
export { PLUGIN_NAME, smmApi, smmApiOptions } from './plugin.js';
export { smmApi as default } from './plugin.js';
