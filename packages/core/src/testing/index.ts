export * from './fakes.js';
export * from './storage-conformance.js';
export * from './panel-conformance.js';
export * from './channel-conformance.js';
export * from './fake-phone.js';
export * from './servers.js';
export * from './crashable-kv.js';
