import type { NewRecord, PanelService } from '@smmbot/core';
import { type ServiceRecord, serviceRecordId } from './records.js';

export type ServiceWrite = NewRecord<ServiceRecord> & { id: string };

export interface CatalogDiff {
  /** Records to write: added, changed and newly removed services (unchanged ones are not rewritten). */
  writes: ServiceWrite[];
  /** Services seen for the first time, as written. */
  added: ServiceWrite[];
  changed: number;
  removed: number;
  unchanged: number;
  /** Distinct services in the fetched catalog. */
  active: number;
}

/** The catalog fields a sync compares; anything else (isNew, firstSeenAt, rules) is ours. */
const COMPARED = ['name', 'category', 'type', 'rate', 'min', 'max', 'refill', 'cancel', 'dripfeed'] as const;
type Catalog = Pick<ServiceRecord, (typeof COMPARED)[number]>;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A provider's service in our fields, with undefined for anything missing or unusable (NaN rates, ...). */
export function catalogFields(s: PanelService): Catalog {
  return {
    name: typeof s.name === 'string' ? s.name : String(s.name ?? ''),
    category: str(s.category),
    type: str(s.type),
    rate: num(s.rate),
    min: num(s.min),
    max: num(s.max),
    refill: bool(s.refill),
    cancel: bool(s.cancel),
    dripfeed: bool(s.dripfeed),
  };
}

function sameCatalog(stored: ServiceRecord, next: Catalog): boolean {
  // Stored records went through JSON: a missing field reads as undefined, so compare with `?? null`.
  return COMPARED.every((f) => (stored[f] ?? null) === (next[f] ?? null));
}

/** Drops undefined fields so written records and stored ones look alike. */
function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Compares a freshly fetched catalog with the stored services of one provider. New services get
 * `isNew = tagNew` (false on the baseline sync); changed ones keep `firstSeenAt` and `isNew`; services
 * gone from the catalog get `removedAt` (and lose `isNew`); a removed service that comes back is a
 * change. Duplicate ids in the fetched list: the first one wins.
 */
export function diffCatalog(
  providerId: string,
  stored: ServiceRecord[],
  fetched: PanelService[],
  now: number,
  tagNew: boolean,
): CatalogDiff {
  const before = new Map(stored.map((s) => [s.serviceId, s]));
  const seen = new Set<string>();
  const writes: ServiceWrite[] = [];
  const added: ServiceWrite[] = [];
  let changed = 0;
  let unchanged = 0;

  for (const service of fetched) {
    const serviceId = String(service.id ?? '').trim();
    if (!serviceId || seen.has(serviceId)) continue;
    seen.add(serviceId);
    const fields = catalogFields(service);
    const old = before.get(serviceId);
    if (!old) {
      const record = compact<ServiceWrite>({
        id: serviceRecordId(providerId, serviceId),
        providerId,
        serviceId,
        ...fields,
        isNew: tagNew,
        firstSeenAt: now,
        updatedAt: now,
        rules: null,
      });
      writes.push(record);
      added.push(record);
    } else if (old.removedAt !== undefined || !sameCatalog(old, fields)) {
      writes.push(
        compact<ServiceWrite>({
          id: old.id,
          providerId,
          serviceId,
          ...fields,
          isNew: old.isNew,
          firstSeenAt: old.firstSeenAt,
          updatedAt: now,
          rules: old.rules ?? null,
        }),
      );
      changed++;
    } else {
      unchanged++;
    }
  }

  let removed = 0;
  for (const old of stored) {
    if (seen.has(old.serviceId) || old.removedAt !== undefined) continue;
    const { tenantId: _tenant, ...rest } = old;
    writes.push({ ...rest, isNew: false, removedAt: now, updatedAt: now });
    removed++;
  }
  return { writes, added, changed, removed, unchanged, active: seen.size };
}

/** Splits a list into chunks of `size` (upsertMany is one transaction per chunk). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
