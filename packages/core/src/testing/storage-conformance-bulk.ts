import { describe, expect, it } from 'vitest';
import type { CollectionSpec, StoredRecord, Where } from '../storage.js';
import type { FixtureRef } from './storage-conformance.js';

export type LogFields = {
  createdAt: number;
  action: string;
  status: string;
  priority: boolean;
  message: string;
};
export type LogRow = StoredRecord & LogFields;

export type ServiceFields = {
  name: string;
  category: string;
  rate: number;
};
export type ServiceRow = StoredRecord & ServiceFields;

/** The log collection as the bot declares it; backends build their indexes from this. */
export const LOG_SPEC: CollectionSpec = {
  name: 'conf_logs',
  indexes: ['createdAt', ['action', 'createdAt'], ['status', 'createdAt'], ['priority', 'createdAt']],
};

export const SERVICE_SPEC: CollectionSpec = { name: 'conf_services', indexes: ['category'], search: ['name'] };

const ACTIONS = ['order.create', 'order.refill', 'ticket.reply', 'login', 'balance.add'];
const STATUSES = ['ok', 'failed', 'pending'];
const T0 = Date.UTC(2026, 0, 1);

/** Deterministic log rows; every third createdAt repeats, so paging must break ties consistently. */
export function makeLogs(count: number): LogFields[] {
  return Array.from({ length: count }, (_, i) => ({
    createdAt: T0 + Math.floor(i / 3) * 60_000 + (i % 3 === 2 ? 0 : (i % 3) * 1000),
    action: ACTIONS[(i * 7) % ACTIONS.length]!,
    status: STATUSES[(i * 5 + Math.floor(i / 11)) % STATUSES.length]!,
    priority: i % 4 === 0 || i % 13 === 0,
    message: `event ${i}`,
  }));
}

const PLATFORMS = ['Instagram', 'TikTok', 'YouTube', 'Telegram', 'Twitter', 'Facebook'];
const KINDS = ['Followers', 'Likes', 'Views', 'Comments', 'Подписчики'];
const TAGS = ['[Real]', '[HQ]', '[Refill 30D]', '[No Drop]', '[Instant]'];

export function makeServices(count: number): ServiceFields[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${PLATFORMS[i % PLATFORMS.length]} ${KINDS[(i >> 1) % KINDS.length]} ${TAGS[i % TAGS.length]} #${i}`,
    category: PLATFORMS[i % PLATFORMS.length]!,
    rate: ((i * 37) % 1000) / 100,
  }));
}

/** Large-ish data sets: paging logs with combined filters, and substring search over services. */
export function bulkQueryConformance(fixture: FixtureRef): void {
  describe('record queries at volume', () => {
    it('pages ~2,000 logs by date range + action + status + priority without gaps or repeats', async () => {
      const logs = fixture().backend.records.collection<LogRow>(LOG_SPEC);
      const rows = makeLogs(2000);
      const idsByMessage = new Map<string, string>();
      for (const r of rows) idsByMessage.set(r.message, (await logs.insert('acme', r)).id);
      for (const r of makeLogs(400)) await logs.insert('globex', r);

      const from = T0 + 100 * 60_000;
      const to = T0 + 560 * 60_000;
      const where: Where<LogRow> = {
        createdAt: { gte: from, lt: to },
        action: { in: ['order.create', 'order.refill'] },
        status: 'failed',
        priority: true,
      };
      const expected = rows
        .filter((r) => r.createdAt >= from && r.createdAt < to)
        .filter((r) => (r.action === 'order.create' || r.action === 'order.refill') && r.status === 'failed')
        .filter((r) => r.priority)
        .map((r) => idsByMessage.get(r.message));
      expect(expected.length).toBeGreaterThan(20);
      expect(await logs.count('acme', where)).toBe(expected.length);

      const seen: LogRow[] = [];
      for (let offset = 0; offset < expected.length + 14; offset += 7) {
        const page = await logs.find('acme', {
          where,
          sort: [{ field: 'createdAt', direction: 'desc' }],
          limit: 7,
          offset,
        });
        expect(page.total).toBe(expected.length);
        expect(page.items.length).toBe(Math.max(0, Math.min(7, expected.length - offset)));
        seen.push(...page.items);
      }
      const seenIds = seen.map((r) => r.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect([...seenIds].sort()).toEqual([...expected].sort());
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i - 1]!.createdAt).toBeGreaterThanOrEqual(seen[i]!.createdAt);
      }
      for (const r of seen) {
        expect(r.tenantId).toBe('acme');
        expect(r.priority).toBe(true);
      }

      const ok = await logs.find('acme', { where: { status: 'ok', priority: false }, limit: 5 });
      const okExpected = rows.filter((r) => r.status === 'ok' && !r.priority).length;
      expect(ok.total).toBe(okExpected);
      expect(ok.items).toHaveLength(5);
      expect(await logs.count('globex')).toBe(400);
    });

    it('searches a declared search field with contains across thousands of services', async () => {
      const services = fixture().backend.records.collection<ServiceRow>(SERVICE_SPEC);
      const rows = makeServices(3000);
      for (const r of rows) await services.insert('panel', r);
      for (const r of makeServices(300)) await services.insert('rival', r);

      const expectContains = async (term: string, extra: Where<ServiceRow> = {}) => {
        const want = rows.filter(
          (r) =>
            r.name.toLowerCase().includes(term.toLowerCase()) &&
            (extra.category === undefined || r.category === extra.category),
        );
        const where: Where<ServiceRow> = { ...extra, name: { contains: term } };
        const page = await services.find('panel', { where, sort: [{ field: 'rate' }], limit: 25 });
        expect(page.total, `contains ${JSON.stringify(term)}`).toBe(want.length);
        expect(await services.count('panel', where)).toBe(want.length);
        expect(page.items).toHaveLength(Math.min(25, want.length));
        for (const item of page.items) {
          expect(item.name.toLowerCase()).toContain(term.toLowerCase());
          expect(item.tenantId).toBe('panel');
        }
        return want.length;
      };

      expect(await expectContains('tiktok')).toBe(500);
      expect(await expectContains('ok vie')).toBeGreaterThan(0);
      expect(await expectContains('REFILL 30')).toBe(600);
      expect(await expectContains('#1234')).toBe(1);
      expect(await expectContains('подпис')).toBe(600);
      expect(await expectContains('ПОД')).toBe(600);
      expect(await expectContains('пО')).toBe(600);
      expect(await expectContains('#7')).toBeGreaterThan(100);
      expect(await expectContains('Yo')).toBe(500);
      expect(await expectContains('"quoted" OR x')).toBe(0);
      expect(await expectContains('likes', { category: 'Instagram' })).toBe(100);
      expect(await expectContains('no such service')).toBe(0);

      // The search index follows writes: update, upsert and delete.
      const hit = await services.find('panel', { where: { name: { contains: '#1234' } } });
      const target = hit.items[0]!;
      await services.update('panel', target.id, { name: 'Renamed Zebra Package' });
      expect(await services.count('panel', { name: { contains: '#1234' } })).toBe(0);
      expect(await services.count('panel', { name: { contains: 'zebra pack' } })).toBe(1);
      await services.upsert('panel', { id: target.id, name: 'Giraffe Plan', category: 'X', rate: 1 });
      expect(await services.count('panel', { name: { contains: 'zebra' } })).toBe(0);
      expect(await services.count('panel', { name: { contains: 'giraffe' } })).toBe(1);
      expect(await services.count('rival', { name: { contains: 'giraffe' } })).toBe(0);
      expect(await services.delete('panel', target.id)).toBe(true);
      expect(await services.count('panel', { name: { contains: 'giraffe' } })).toBe(0);
      expect(await services.count('rival', { name: { contains: 'tiktok' } })).toBe(50);
    });
  });
}
