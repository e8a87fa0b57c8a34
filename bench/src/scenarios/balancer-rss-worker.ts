/**
 * Child process of the balancer scenario: enqueues N jobs into one tenant (MemorySendQueue, the
 * clock stopped so nothing leaves) and reports the RSS, so the figure is the balancer's alone and
 * not what the simulator runs left on the parent's heap. `node balancer-rss-worker.js [jobs]`;
 * the figures go back over IPC (or to stdout as JSON when run by hand).
 */
import { fillQueue } from '@smmbot/balancer/sim';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';

const jobs = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

fillQueue({
  jobs,
  phones: 50,
  storage: (clock) => ({ kv: new MemoryKeyValueStore(clock), store: new MemoryRecordStore() }),
  ...(gc ? { gc } : {}),
}).then(
  (figures) => {
    if (process.send) process.send({ ok: true, value: figures }, () => process.exit(0));
    else process.stdout.write(`${JSON.stringify(figures)}\n`);
  },
  (err: unknown) => {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (process.send) process.send({ ok: false, error }, () => process.exit(1));
    else {
      process.stderr.write(`${error}\n`);
      process.exit(1);
    }
  },
);
