import { memoryStorage } from '@smmbot/storage-memory';
import { createEngine, createLogger, type EngineOptions, type PluginInput, VirtualClock } from '../src/index.js';
import { FakeChannel } from '../src/testing/index.js';

/** Captures pino lines as parsed objects. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, logger };
}

export function setup(plugins: PluginInput[] = [], options: EngineOptions = {}) {
  const clock = new VirtualClock();
  const channel = new FakeChannel('fake', 'default', clock);
  const logs = captureLogs();
  const engine = createEngine({
    clock,
    logger: logs.logger,
    ...options,
    plugins: [memoryStorage(), channel.plugin(), ...plugins],
  });
  return { engine, channel, clock, logs };
}
