export {
  type AiLimits,
  type AiPricing,
  OpenAiProvider,
  type OpenAiProviderOptions,
  toAiError,
  usageKey,
} from './provider.js';
export { openAi, openAiOptions, PLUGIN_NAME } from './plugin.js';
export { openAi as default } from './plugin.js';
