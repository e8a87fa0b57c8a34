export { composeEngine } from './compose.js';
export { loadHostConfig } from './config/index.js';
export { Host, type HostOptions, stopOnSignals } from './host.js';
export { loadPlugin } from './plugins.js';
export { buildServer } from './server.js';
