export * from './fakes.js';
export * from './storage-conformance.js';
