export { AlertLog } from './alerts.js';
export { type BalancerDeps, LocalBalancer } from './balancer.js';
export * from './config.js';
export { LEASE_KEY, NotLeaderError, SEQ_KEY, SNAPSHOT_KEY, TENANTS_KEY } from './distributed/leased.js';
export {
  type AdmitHandler,
  InProcessTransport,
  type OutboundConsumer,
  type OutboundTransport,
} from './distributed/transport.js';
export { SendWindow } from './hours.js';
export { type PickResult, Phone, type PhoneStats, pickPhone } from './phones.js';
export { balancer, balancerPluginOptions, PLUGIN_NAME } from './plugin.js';
export * from './policy.js';
export { MemorySendQueue } from './queue/memory-queue.js';
export { StoreSendQueue } from './queue/store-queue.js';
export type { SendQueue } from './queue/types.js';
export * from './types.js';
