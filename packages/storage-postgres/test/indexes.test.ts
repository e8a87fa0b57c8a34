import type { Where } from '@smmbot/core';
import { LOG_SPEC, type LogRow, makeLogs, makeServices, SERVICE_SPEC, type ServiceRow } from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { indexDefinitions } from '../src/index.js';
import { adminPool, openStorage, type TestStorage, url } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);
const opened: TestStorage[] = [];
const open = async (...args: Parameters<typeof openStorage>) => {
  const s = await openStorage(...args);
  opened.push(s);
  return s;
};
afterEach(async () => {
  for (const s of opened.splice(0)) await s.cleanup();
});

const indexesOf = async (schema: string, table: string) =>
  (
    await adminPool().query<{ indexname: string; indexdef: string }>(
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, table],
    )
  ).rows;

/** The logs page of the dashboard: date range, actions, status, priority, newest first, page 3. */
const LOGS_PAGE: Where<LogRow> = {
  createdAt: { gte: T0 + 100 * 60_000, lt: T0 + 560 * 60_000 },
  action: { in: ['order.create', 'order.refill'] },
  status: 'failed',
  priority: true,
};

describe.skipIf(!url)('postgres indexes', () => {
  it('creates one expression index per declared index, on exactly the expressions queries use', async () => {
    const { storage, schema } = await open();
    const logs = storage.records.collection<LogRow>(LOG_SPEC);
    await logs.count('t');
    const defs = await indexesOf(schema, 'c_conf_logs');
    expect(defs.map((d) => d.indexname)).toEqual([
      'c_conf_logs_pkey',
      'ix_c_conf_logs__action__createdAt',
      'ix_c_conf_logs__createdAt',
      'ix_c_conf_logs__priority__createdAt',
      'ix_c_conf_logs__status__createdAt',
    ]);
    const byAction = defs.find((d) => d.indexname === 'ix_c_conf_logs__action__createdAt')?.indexdef;
    expect(byAction).toContain(
      "(tenant_id, NULLIF((record -> 'action'::text), 'null'::jsonb) NULLS FIRST, " +
        "NULLIF((record -> 'createdAt'::text), 'null'::jsonb) NULLS FIRST)",
    );
  });

  it('a filtered, sorted logs page and its count read an index, never the whole table', async () => {
    const { storage } = await open();
    const logs = storage.records.collection<LogRow>(LOG_SPEC);
    await logs.upsertMany(
      'acme',
      makeLogs(6000).map((r, i) => ({ ...r, id: `log-${i}` })),
    );
    for (const tenant of ['globex', 'initech']) {
      await logs.upsertMany(
        tenant,
        makeLogs(3000).map((r, i) => ({ ...r, id: `log-${i}` })),
      );
    }
    await adminPool().query(`ANALYZE "${storage.schema}".c_conf_logs`);

    const page = { where: LOGS_PAGE, sort: [{ field: 'createdAt' as const, direction: 'desc' as const }], limit: 20 };
    const plan = await logs.explain('acme', { ...page, offset: 40, countLimit: 10_000 });
    for (const lines of [plan.select, plan.count]) {
      const text = lines.join('\n');
      expect(text).toMatch(
        /Index (Only )?Scan( Backward)? using "?ix_c_conf_logs__|Bitmap Index Scan on "?ix_c_conf_logs__/,
      );
      expect(text).not.toMatch(/Seq Scan/);
    }
    // The newest-first page without filters walks the createdAt index backwards: no sort of all rows.
    const byDate = await logs.explain('acme', { sort: [{ field: 'createdAt', direction: 'desc' }], limit: 20 });
    expect(byDate.select.join('\n')).toMatch(/Index Scan Backward using "ix_c_conf_logs__createdAt"/);
    expect(byDate.select.join('\n')).not.toMatch(/^\s*(->\s*)?Sort\s+\(/m);
    // And the answer is the one the plan promises.
    const got = await logs.find('acme', page);
    expect(got.items.every((r) => r.status === 'failed' && r.priority)).toBe(true);
  });

  it('contains on a search field uses the pg_trgm GIN index', async () => {
    const { storage, schema } = await open();
    expect((await storage.ready).trigramSchema).toBeDefined();
    const services = storage.records.collection<ServiceRow>(SERVICE_SPEC);
    await services.upsertMany(
      'panel',
      makeServices(20_000).map((r, i) => ({ ...r, id: `s${i}` })),
    );
    await adminPool().query(`VACUUM ANALYZE "${schema}".c_conf_services`);
    const defs = await indexesOf(schema, 'c_conf_services');
    expect(defs.find((d) => d.indexname === 'tg_c_conf_services__name')?.indexdef).toMatch(
      /USING gin \(\(\(record ->> 'name'::text\)\) (public\.)?gin_trgm_ops\)/,
    );
    const plan = await services.explain('panel', { where: { name: { contains: 'views [hq] #1234' } }, limit: 25 });
    expect(plan.count.join('\n')).toMatch(/Bitmap Index Scan on tg_c_conf_services__name/);
    expect(await services.count('panel', { name: { contains: 'REFILL 30' } })).toBe(4000);
  });

  it('without pg_trgm (trigram: false) contains still works, by scanning', async () => {
    const { storage, schema } = await open({ trigram: false });
    expect((await storage.ready).trigramSchema).toBeUndefined();
    const services = storage.records.collection<ServiceRow>(SERVICE_SPEC);
    await services.upsertMany(
      'panel',
      makeServices(300).map((r, i) => ({ ...r, id: `s${i}` })),
    );
    expect(await services.count('panel', { name: { contains: 'подпис' } })).toBe(60);
    const names = (await indexesOf(schema, 'c_conf_services')).map((d) => d.indexname);
    expect(names).toEqual(['c_conf_services_pkey', 'ix_c_conf_services__category']);
  });

  it('long collection and field names fit PostgreSQL 63-byte identifiers without colliding', () => {
    const long = 'x'.repeat(60);
    const a = indexDefinitions(`c_${long}`, {
      name: long,
      indexes: [
        ['alpha', 'beta'],
        ['alpha', 'gamma'],
      ],
    });
    expect(a.map((d) => Buffer.byteLength(d.name) <= 63)).toEqual([true, true]);
    expect(new Set(a.map((d) => d.name)).size).toBe(2);
  });
});
