import { perfectPanel } from './plugin.js';

export { PerfectPanelAdmin } from './admin.js';
export { actionResults, idList } from './actions.js';
export { inspect, rowsOf, unwrap } from './envelope.js';
export { type LookupMode, OrderLookup } from './lookup.js';
export { mapOrder, mapService, mapTicket, mapUser } from './map.js';
export {
  CONFIDENCE,
  DEFAULT_BODIES,
  DEFAULT_PATHS,
  type PerfectPanelBodies,
  type PerfectPanelOptions,
  type PerfectPanelPaths,
  type ProbeResult,
} from './options.js';
export { PLUGIN_NAME, perfectPanel, probePanel } from './plugin.js';

export default perfectPanel;
