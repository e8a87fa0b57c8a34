import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../src/index.js';
import { ALPHA, BACKENDS, BETA, service, setup, TENANT } from './helpers.js';

describe.each(BACKENDS)('service search on %s storage', (_name, makeStorage) => {
  let ctx: ReturnType<typeof setup>;
  let alpha: ProviderInfo;
  let beta: ProviderInfo;

  beforeEach(async () => {
    ctx = setup(makeStorage);
    alpha = await ctx.providers.add(TENANT, ALPHA);
    beta = await ctx.providers.add(TENANT, BETA);
    ctx.fakes.panel(ALPHA.name).catalog = [
      service(7, 'TikTok Views | Instant', 0.02),
      service(17, 'Instagram Likes [No Refill]', 0.9),
      service(27, 'YouTube Views [Lifetime Refill] 7 days speed', 3.1),
      ...Array.from({ length: 25 }, (_, i) =>
        service(100 + i, `Telegram Members ${String.fromCharCode(65 + i)}`, 1 + i / 10),
      ),
    ];
    ctx.fakes.panel(BETA.name).catalog = [
      service(7, 'Spotify Plays', 0.5),
      service(8, 'Instagram Followers | 30 Days Refill', 1.2),
      service(9, 'youtube VIEWS - HQ', 2.5),
    ];
    await ctx.providers.sync(TENANT, alpha.id);
    await ctx.providers.sync(TENANT, beta.id);
  });
  afterEach(() => ctx.close());

  it('finds services by a case-insensitive name fragment across providers', async () => {
    const page = await ctx.providers.searchServices(TENANT, { q: 'views' });
    expect(page.total).toBe(3);
    expect(page.items.map((s) => s.name)).toEqual([
      'TikTok Views | Instant',
      'YouTube Views [Lifetime Refill] 7 days speed',
      'youtube VIEWS - HQ',
    ]);
    expect((await ctx.providers.searchServices(TENANT, { q: 'lik' })).items.map((s) => s.serviceId)).toEqual(['17']);
  });

  it('finds services by id first, then by name, without duplicates', async () => {
    const page = await ctx.providers.searchServices(TENANT, { q: '7' });
    // Exact id 7 at both providers first, then names containing "7" (17's name does not, 27's does).
    expect(page.items.map((s) => `${s.providerId === alpha.id ? 'A' : 'B'}${s.serviceId}`)).toEqual([
      'B7',
      'A7',
      'A27',
    ]);
    expect(page.total).toBe(3);
    const one = await ctx.providers.searchServices(TENANT, { q: '7', providerId: beta.id });
    expect(one).toMatchObject({ total: 1, items: [{ name: 'Spotify Plays' }] });
    // Paging runs over the concatenation.
    const second = await ctx.providers.searchServices(TENANT, { q: '7', limit: 2, offset: 1 });
    expect(second.items.map((s) => s.serviceId)).toEqual(['7', '27']);
    expect(second.total).toBe(3);
    const third = await ctx.providers.searchServices(TENANT, { q: '7', limit: 2, offset: 2 });
    expect(third.items.map((s) => s.serviceId)).toEqual(['27']);
  });

  it('filters by provider', async () => {
    const page = await ctx.providers.searchServices(TENANT, { providerId: beta.id, limit: 100 });
    expect(page.total).toBe(3);
    expect(page.items.every((s) => s.providerId === beta.id)).toBe(true);
    const instagram = await ctx.providers.searchServices(TENANT, { q: 'instagram', providerId: alpha.id });
    expect(instagram.items.map((s) => s.serviceId)).toEqual(['17']);
  });

  it('paginates with the correct total', async () => {
    const q = { q: 'telegram members', limit: 10 };
    const pages = await Promise.all(
      [0, 10, 20].map((offset) => ctx.providers.searchServices(TENANT, { ...q, offset })),
    );
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    const ids = pages.flatMap((p) => p.items.map((s) => s.serviceId));
    expect(new Set(ids).size).toBe(25);
    const all = await ctx.providers.searchServices(TENANT, { limit: 100 });
    expect(all.total).toBe(31);
    await expect(ctx.providers.searchServices(TENANT, { limit: 101 })).rejects.toMatchObject({
      code: 'E_CONFIG_INVALID',
    });
  });

  it('sorts by rate or name in either direction', async () => {
    const cheap = await ctx.providers.searchServices(TENANT, { sort: 'rate', limit: 3 });
    expect(cheap.items.map((s) => s.rate)).toEqual([0.02, 0.5, 0.9]);
    const dear = await ctx.providers.searchServices(TENANT, { sort: 'rate', direction: 'desc', limit: 1 });
    expect(dear.items[0]?.rate).toBe(3.4);
    const byName = await ctx.providers.searchServices(TENANT, { q: 'views', sort: 'name', direction: 'desc' });
    expect(byName.items[0]?.name).toBe('youtube VIEWS - HQ');
  });

  it('hides removed services unless asked', async () => {
    ctx.fakes.panel(BETA.name).catalog = [service(7, 'Spotify Plays', 0.5)];
    await ctx.providers.sync(TENANT, beta.id);
    expect((await ctx.providers.searchServices(TENANT, { q: 'views' })).total).toBe(2);
    const withRemoved = await ctx.providers.searchServices(TENANT, { q: 'views', includeRemoved: true });
    expect(withRemoved.total).toBe(3);
    expect(withRemoved.items.find((s) => s.serviceId === '9')?.removedAt).toBe(ctx.clock.now());
    expect((await ctx.providers.searchServices(TENANT, { q: '8' })).total).toBe(0);
  });
});
