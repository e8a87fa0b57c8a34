import { del, get, patch, post } from '../api.js';
import { act, button, clear, fmtTime, h, pager, section, table, toast } from '../ui.js';

const FLAGS = [
  ['support_enabled', 'Support', 'the bot answers in this group'],
  ['marketing_enabled', 'Marketing', 'the group receives broadcasts'],
  ['silent_mode', 'Silent', 'process and log, send nothing'],
];

/** Groups: the groups the bot has seen, with the Support / Marketing / Silent switches (live from the next message). */
export default async function groups(main) {
  const state = { page: 1, limit: 25 };
  const list = h('div', { 'aria-live': 'polite' });

  const toggle = (g, [key, label, help]) => {
    const box = h('input', {
      type: 'checkbox',
      checked: g[key],
      'aria-label': `${label} in ${g.title ?? g.chat_id}`,
      title: help,
    });
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        const updated = await patch(`/api/v1/groups/${encodeURIComponent(g.id)}`, { [key]: box.checked });
        g[key] = updated[key];
        toast(`${label} ${updated[key] ? 'on' : 'off'} in ${g.title ?? g.chat_id}`);
      } catch (err) {
        box.checked = !box.checked;
        toast(err.message, 'bad');
      } finally {
        box.disabled = false;
      }
    });
    return h('label', { class: 'switch' }, box, h('span', {}, label));
  };

  async function load() {
    const data = await get('/api/v1/groups', state);
    clear(
      list,
      table({
        columns: [
          {
            label: 'Group',
            render: (g) =>
              h(
                'span',
                {},
                h('strong', {}, g.title ?? g.chat_id),
                h('small', { class: 'block muted' }, `${g.channel} · ${g.chat_id}`),
              ),
          },
          { label: 'Last message', render: (g) => fmtTime(g.last_message_at) },
          ...FLAGS.map((flag) => ({ label: flag[1], render: (g) => toggle(g, flag) })),
          {
            label: 'Actions',
            render: (g) =>
              button(
                'Forget',
                (e) => {
                  if (!confirm(`Forget ${g.title ?? g.chat_id}? It comes back, support on, if it writes again.`))
                    return;
                  return act(
                    e.currentTarget,
                    async () => {
                      await del(`/api/v1/groups/${encodeURIComponent(g.id)}`);
                      await load();
                    },
                    'Group forgotten',
                  );
                },
                { class: 'danger' },
              ),
          },
        ],
        rows: data.items,
        empty: 'No groups yet: a group appears after the bot receives a message from it.',
      }),
      pager({
        ...data,
        onPage: (p) => {
          state.page = p;
          return load();
        },
      }),
    );
  }

  const sync = button('Sync groups from channels', (e) =>
    act(e.currentTarget, async () => {
      const r = await post('/api/v1/groups/sync');
      toast(r.note || `Added ${r.added}, updated ${r.updated}`);
      await load();
    }),
  );
  main.append(
    section(
      'Groups',
      h(
        'p',
        { class: 'muted' },
        'Support: the bot answers. Marketing: broadcasts go there. Silent: the bot processes and logs without replying.',
      ),
      sync,
      list,
    ),
  );
  await load();
}
