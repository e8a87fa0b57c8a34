export { EMBEDDED_DEFAULT, type LoadedHostConfig, type LoadHostConfigOptions, loadHostConfig } from './load.js';
export { applyEnvOverrides, type Env, interpolateEnv } from './env.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './read.js';
