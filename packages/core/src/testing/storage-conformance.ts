import { afterEach, beforeEach, describe } from 'vitest';
import type { VirtualClock } from '../clock.js';
import type { StorageBackend } from '../storage.js';
import { kvConformance } from './storage-conformance-kv.js';
import { bulkQueryConformance } from './storage-conformance-bulk.js';
import { queryConformance } from './storage-conformance-queries.js';
import { recordConformance } from './storage-conformance-records.js';

export {
  LOG_SPEC,
  type LogFields,
  type LogRow,
  makeLogs,
  makeServices,
  SERVICE_SPEC,
  type ServiceFields,
  type ServiceRow,
} from './storage-conformance-bulk.js';

/** What a backend's test hands the suite: a fresh, empty backend on a virtual clock. */
export interface StorageFixture {
  backend: StorageBackend;
  clock: VirtualClock;
  /** Runs after the suite has closed `backend.records` and `backend.kv` (e.g. deletes temp files). */
  cleanup?: () => Promise<void>;
}

export type StorageFactory = () => Promise<StorageFixture>;

/** The parts of the suite: `records` covers records, queries and bulk queries; `kv` the key-value side. */
export type StorageConformancePart = 'records' | 'kv';

export interface StorageConformanceOptions {
  /**
   * Which parts to run; default all. A backend that provides one half only (e.g. Redis, kv only)
   * runs its part, with any placeholder (such as a memory RecordStore) for the other half.
   */
  parts?: readonly StorageConformancePart[];
}

/** The live fixture of the running test; sub-suites read it lazily inside each `it`. */
export type FixtureRef = () => StorageFixture;

/**
 * The storage conformance suite: every backend (memory, SQLite, Postgres, Redis, ...) runs the same
 * tests, so code written against the interfaces behaves the same on each. Declares one `describe`
 * block; call it at the top level of a test file:
 *
 * ```ts
 * storageConformance('memory', async () => {
 *   const clock = new VirtualClock();
 *   return { backend: createMemoryStorage(clock), clock };
 * });
 * ```
 *
 * Contract pinned down here beyond the interface comments (all backends must agree):
 * - a duplicate `insert` rejects with a SmmbotError of code `E_STORAGE`;
 * - `tenantId`/`id` in a record or patch never move a record to another tenant;
 * - `null` equality also matches a missing field; `ne` matches records whose field is missing;
 * - comparisons are type-strict: `{ flag: true }` never matches the number 1, a numeric bound never
 *   matches a string; `contains` only matches string fields;
 * - a `where` entry whose value is `undefined` is ignored; field names outside
 *   `[A-Za-z_][A-Za-z0-9_]*` are rejected;
 * - sorting puts missing/null first in `asc` and last in `desc`, and ties are broken
 *   deterministically, so offset paging never repeats or skips a record;
 * - expired kv entries, locks and set members are absent: `now >= createdAt + ttl`.
 *
 * A kv-only backend runs `storageConformance('redis', factory, { parts: ['kv'] })`.
 */
export function storageConformance(
  label: string,
  factory: StorageFactory,
  options: StorageConformanceOptions = {},
): void {
  const parts = new Set<StorageConformancePart>(options.parts ?? ['records', 'kv']);
  if (parts.size === 0) throw new Error('storageConformance: `parts` must name at least one part');
  describe(`storage conformance: ${label}`, () => {
    let current: StorageFixture | undefined;
    const fixture: FixtureRef = () => {
      if (!current) throw new Error('storage conformance fixture used outside a test');
      return current;
    };

    beforeEach(async () => {
      current = await factory();
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (!done) return;
      await done.backend.records.close();
      await done.backend.kv.close();
      await done.cleanup?.();
    });

    if (parts.has('records')) {
      recordConformance(fixture);
      queryConformance(fixture);
      bulkQueryConformance(fixture);
    }
    if (parts.has('kv')) kvConformance(fixture);
  });
}
