import { del, get, patch, post } from '../api.js';
import { act, button, clear, field, fmtTime, form, h, section, table, toast } from '../ui.js';

/** Providers: add (name, API URL, key), sync catalog and balance, pause, delete (spec "SMM Providers"). */
export default async function providers(main) {
  const list = h('div', { 'aria-live': 'polite' });

  async function load() {
    const { items } = await get('/api/v1/providers');
    clear(
      list,
      table({
        columns: [
          { label: 'Name', key: 'name' },
          { label: 'API URL', key: 'url' },
          { label: 'Balance', render: (p) => (p.balance === null ? '—' : `${p.balance} ${p.currency ?? ''}`) },
          { label: 'Services', key: 'service_count' },
          {
            label: 'Last sync',
            render: (p) =>
              p.last_sync_error ? h('span', { class: 'error' }, p.last_sync_error) : fmtTime(p.last_sync_at),
          },
          {
            label: 'Escalation group',
            render: (p) => (p.escalation_group ? `${p.escalation_group.channel}:${p.escalation_group.chat_id}` : '—'),
          },
          {
            label: 'Auto-sync',
            render: (p) => (p.is_active ? `every ${Math.round(p.sync_interval_sec / 60)} min` : 'paused'),
          },
          {
            label: 'Actions',
            render: (p) =>
              h(
                'div',
                { class: 'row-actions' },
                button('Sync', (e) =>
                  act(e.currentTarget, async () => {
                    const r = await post(`/api/v1/providers/${encodeURIComponent(p.id)}/sync`);
                    if (r.skipped) toast(`Sync skipped: ${r.skipped}`, 'warn');
                    else if (r.summary)
                      toast(
                        `Synced ${p.name}: ${r.summary.added} new, ${r.summary.changed} changed, ${r.summary.removed} removed`,
                      );
                    await load();
                  }),
                ),
                button(p.is_active ? 'Pause' : 'Resume', (e) =>
                  act(e.currentTarget, async () => {
                    await patch(`/api/v1/providers/${encodeURIComponent(p.id)}`, { is_active: !p.is_active });
                    await load();
                  }),
                ),
                button(
                  'Delete',
                  (e) => {
                    if (!confirm(`Delete provider ${p.name} and its synced services?`)) return;
                    return act(
                      e.currentTarget,
                      async () => {
                        await del(`/api/v1/providers/${encodeURIComponent(p.id)}`);
                        await load();
                      },
                      'Provider deleted',
                    );
                  },
                  { class: 'danger' },
                ),
              ),
          },
        ],
        rows: items,
        empty: 'No providers yet. Add one below, then sync it.',
      }),
    );
  }

  const add = form({
    label: 'Add provider',
    submit: 'Add provider',
    fields: [
      field({ label: 'Name', name: 'name', required: true }),
      field({
        label: 'API URL',
        name: 'url',
        kind: 'url',
        required: true,
        placeholder: 'https://provider.example/api/v2',
      }),
      field({ label: 'API key', name: 'api_key', kind: 'password', required: true, autocomplete: 'off' }),
      field({
        label: 'Domains it is known by',
        name: 'aliases',
        help: 'Comma-separated, e.g. smmprovider.com (matched against order providers)',
      }),
      field({
        label: 'Escalation group',
        name: 'group',
        help: 'Optional: <channel>:<chat id> of the provider’s WhatsApp group',
      }),
    ],
    onSubmit: async (v, el) => {
      const aliases = v.aliases
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const [channel, ...chat] = v.group.trim().split(':');
      const body = { name: v.name, url: v.url, api_key: v.api_key, ...(aliases.length ? { aliases } : {}) };
      if (v.group.trim()) {
        if (!chat.length) throw new Error('Escalation group: expected <channel>:<chat id>');
        body.escalation_group = { channel, chat_id: chat.join(':') };
      }
      const p = await post('/api/v1/providers', body);
      el.reset();
      toast(`Added ${p.name}: sync it to fetch its services`);
      await load();
    },
  });

  main.append(section('Providers', list), section('Add provider', add));
  await load();
}
