import './setup-reflect.js';

export * from './ai.js';
export * from './channel.js';
export * from './clock.js';
export * from './commands/types.js';
export * from './config/bot-config.js';
export * from './config/format-issues.js';
export * from './errors.js';
export * from './hooks.js';
export * from './logger.js';
export * from './message.js';
export * from './outbox.js';
export * from './panel.js';
export * from './plugin.js';
export * from './scheduler.js';
export * from './storage.js';
export * from './tokens.js';
export * from './turn.js';
