import { get } from '../api.js';
import { clear, field, fmt, form, h, section, table } from '../ui.js';

/** Service Search: every synced provider's catalog by name fragment or service id, filtered by provider, paged. */
export default async function services(main) {
  const { items: providers } = await get('/api/v1/providers');
  const query = { q: '', provider_id: '', sort: 'name', limit: 25, offset: 0 };
  const results = h('div', { 'aria-live': 'polite' });

  async function load() {
    const data = await get('/api/v1/providers/services', query);
    const page = Math.floor(data.offset / data.limit) + 1;
    const pages = Math.max(1, Math.ceil(data.total / data.limit));
    const go = (offset) => {
      query.offset = offset;
      void load();
    };
    clear(
      results,
      table({
        columns: [
          { label: 'Provider', key: 'provider_name' },
          { label: 'Service id', key: 'service_id' },
          {
            label: 'Name',
            render: (s) => h('span', {}, s.name, s.is_new ? h('span', { class: 'badge ok' }, 'new') : null),
          },
          { label: 'Category', key: 'category' },
          { label: 'Rate', key: 'rate' },
          { label: 'Min–max', render: (s) => `${fmt(s.min)}–${fmt(s.max)}` },
          { label: 'Refill', key: 'refill' },
          { label: 'Cancel', key: 'cancel' },
        ],
        rows: data.items,
        empty: providers.length ? 'No services match.' : 'No provider is synced yet: add one on the Providers page.',
      }),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages' },
        h(
          'button',
          { type: 'button', disabled: data.offset === 0, onclick: () => go(Math.max(0, data.offset - data.limit)) },
          'Previous',
        ),
        h('span', {}, `Page ${page} of ${pages} · ${data.total} services`),
        h('button', { type: 'button', disabled: page >= pages, onclick: () => go(data.offset + data.limit) }, 'Next'),
      ),
    );
  }

  const search = form({
    label: 'Search services',
    submit: 'Search',
    fields: [
      field({ label: 'Name or service id', name: 'q', kind: 'search', placeholder: 'instagram followers, 1234…' }),
      field({
        label: 'Provider',
        name: 'provider_id',
        kind: 'select',
        options: [['', 'all providers'], ...providers.map((p) => [p.id, p.name])],
      }),
      field({
        label: 'Sort by',
        name: 'sort',
        kind: 'select',
        options: [
          ['name', 'name'],
          ['rate', 'rate (low first)'],
          ['-rate', 'rate (high first)'],
          ['-updated_at', 'recently updated'],
        ],
      }),
    ],
    onSubmit: async (v) => {
      Object.assign(query, { q: v.q.trim(), provider_id: v.provider_id, sort: v.sort, offset: 0 });
      await load();
    },
  });
  search.classList.add('inline');
  main.append(section('Search', search), section('Services', results));
  await load();
}
