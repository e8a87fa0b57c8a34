import { del, get, post } from '../api.js';
import { act, button, clear, field, fmtTime, form, h, pager, section, table } from '../ui.js';

/** Customers: verified users with their panel username and last activity; verify by hand, block, delete verification. */
export default async function customers(main) {
  const query = { verified: 'true', status: '', q: '', page: 1, limit: 25 };
  const list = h('div', { 'aria-live': 'polite' });
  const path = (c, action = '') => `/api/v1/customers/${encodeURIComponent(c.id)}${action}`;

  async function load() {
    const data = await get('/api/v1/customers', query);
    clear(
      list,
      table({
        columns: [
          {
            label: 'Customer',
            render: (c) => h('span', {}, c.display_name ?? c.address, h('small', { class: 'block muted' }, c.id)),
          },
          { label: 'Panel username', key: 'panel_user' },
          {
            label: 'Verified',
            render: (c) => (c.verified ? `${c.verified_by ?? 'yes'} · ${fmtTime(c.verified_at)}` : 'no'),
          },
          {
            label: 'Status',
            render: (c) => h('span', { class: `badge ${c.status === 'active' ? 'ok' : 'bad'}` }, c.status),
          },
          { label: 'Last active', render: (c) => fmtTime(c.last_active_at) },
          {
            label: 'Actions',
            render: (c) =>
              h(
                'div',
                { class: 'row-actions' },
                button('Verify…', (e) => {
                  const username = prompt(`Panel username for ${c.display_name ?? c.address}:`, c.panel_user ?? '');
                  if (!username) return;
                  return act(
                    e.currentTarget,
                    async () => {
                      await post(path(c, '/verify'), { username: username.trim() });
                      await load();
                    },
                    'Customer verified',
                  );
                }),
                button(c.status === 'blocked' ? 'Unblock' : 'Block', (e) =>
                  act(e.currentTarget, async () => {
                    await post(path(c, c.status === 'blocked' ? '/unblock' : '/block'));
                    await load();
                  }),
                ),
                c.verified
                  ? button(
                      'Delete verification',
                      (e) => {
                        if (!confirm('Remove this verification? The customer verifies again on the next message.'))
                          return;
                        return act(e.currentTarget, async () => {
                          await del(path(c));
                          await load();
                        });
                      },
                      { class: 'danger' },
                    )
                  : null,
              ),
          },
        ],
        rows: data.items,
        empty: 'No customers match.',
      }),
      pager({
        ...data,
        onPage: (p) => {
          query.page = p;
          return load();
        },
      }),
    );
  }

  const filters = form({
    label: 'Filter customers',
    submit: 'Filter',
    fields: [
      field({ label: 'Panel username', name: 'q', kind: 'search' }),
      field({
        label: 'Verified',
        name: 'verified',
        kind: 'select',
        value: 'true',
        options: [
          ['true', 'verified'],
          ['false', 'not verified'],
          ['all', 'all'],
        ],
      }),
      field({
        label: 'Status',
        name: 'status',
        kind: 'select',
        options: [
          ['', 'any'],
          ['active', 'active'],
          ['blocked', 'blocked'],
        ],
      }),
    ],
    onSubmit: async (v) => {
      Object.assign(query, { q: v.q.trim(), verified: v.verified, status: v.status, page: 1 });
      await load();
    },
  });
  filters.classList.add('inline');
  main.append(section('Filters', filters), section('Customers', list));
  await load();
}
