import type { Collection, Page, SortSpec, TenantId, Where } from '@smmbot/core';
import type { ServiceRecord } from './records.js';
import { parseInput, type ServiceSearchQuery, searchQuerySchema } from './schemas.js';

/**
 * Searches the synced services of a tenant. `q` matches a provider service id exactly or a name
 * fragment (case-insensitive, through the store's `search` index on `name`). The store has no OR
 * across fields, so the id matches (a handful at most: one per provider) are listed first, then the
 * name matches without them; `total` counts both and paging runs over the concatenation.
 */
export async function searchServices(
  services: Collection<ServiceRecord>,
  tenant: TenantId,
  query: ServiceSearchQuery = {},
): Promise<Page<ServiceRecord>> {
  const { q, providerId, sort, direction, limit, offset, includeRemoved, onlyNew } = parseInput(
    searchQuerySchema,
    query,
    'service search',
  );
  const base: Where<ServiceRecord> = {
    ...(providerId ? { providerId } : {}),
    ...(includeRemoved ? {} : { removedAt: null }),
    ...(onlyNew === undefined ? {} : { isNew: onlyNew }),
  };
  const order: SortSpec<ServiceRecord>[] = [{ field: sort, direction }];
  if (!q) return services.find(tenant, { where: base, sort: order, limit, offset });

  const exact = await services.find(tenant, { where: { ...base, serviceId: q }, sort: order });
  const head = exact.items.slice(offset, offset + limit);
  const rest = await services.find(tenant, {
    where: { ...base, name: { contains: q }, serviceId: { ne: q } },
    sort: order,
    limit: limit - head.length,
    offset: Math.max(0, offset - exact.total),
  });
  return { items: [...head, ...rest.items], total: exact.total + rest.total };
}
