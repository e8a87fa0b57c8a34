export * from './connection.js';
export * from './cron-timezone.js';
export * from './inbound-queue.js';
export * from './job-ids.js';
export * from './plugin.js';
export * from './scheduler.js';
export * from './outbound/index.js';
