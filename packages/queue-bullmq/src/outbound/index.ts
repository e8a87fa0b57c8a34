export {
  BullOutboundTransport,
  type BullOutboundTransportOptions,
  OUTBOUND_QUEUE_NAME,
  type OutboundJobData,
  outboundJobId,
} from './transport.js';
