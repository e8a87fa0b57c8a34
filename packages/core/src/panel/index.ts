export * from './capability.js';
export * from './normalize.js';
export * from './types.js';
export * from './resilient.js';
