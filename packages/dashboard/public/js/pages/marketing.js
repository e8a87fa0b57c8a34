import { del, get, patch, post } from '../api.js';
import { act, button, clear, field, fmtTime, form, h, section, toast } from '../ui.js';

/** Marketing: the broadcast messages in rotation order (add, edit, enable, reorder, delete) and the schedule. */
export default async function marketing(main, { navigate, can }) {
  const list = h('ol', { class: 'messages' });
  const schedule = h('p', { class: 'muted', role: 'status' });

  async function load() {
    const data = await get('/api/v1/marketing/messages');
    schedule.textContent = `Broadcasts are ${data.marketing_enabled ? 'on' : 'off'}: every ${data.interval_hours} h plus up to ${data.jitter_minutes} min, next ${fmtTime(data.next_broadcast_at)}.`;
    const ids = data.items.map((m) => m.id);
    const move = (i, by) => async (e) =>
      act(e.currentTarget, async () => {
        const order = [...ids];
        [order[i], order[i + by]] = [order[i + by], order[i]];
        await post('/api/v1/marketing/messages/reorder', { ids: order });
        await load();
      });
    clear(
      list,
      data.items.length ? null : h('li', { class: 'empty' }, 'No messages yet: add one below.'),
      data.items.map((m, i) =>
        h(
          'li',
          { class: 'card' },
          form({
            label: `Edit message ${i + 1}`,
            submit: 'Save',
            fields: [
              field({ label: `Text of message ${i + 1}`, name: 'text', kind: 'textarea', value: m.text }),
              field({ label: 'In rotation', name: 'enabled', kind: 'checkbox', value: m.enabled }),
            ],
            extra: [
              button('Move up', move(i, -1), { disabled: i === 0 }),
              button('Move down', move(i, 1), { disabled: i === data.items.length - 1 }),
              button(
                'Delete',
                (e) => {
                  if (!confirm('Delete this message?')) return;
                  return act(e.currentTarget, async () => {
                    await del(`/api/v1/marketing/messages/${encodeURIComponent(m.id)}`);
                    await load();
                  });
                },
                { class: 'danger' },
              ),
            ],
            onSubmit: async (v) => {
              await patch(`/api/v1/marketing/messages/${encodeURIComponent(m.id)}`, {
                text: v.text,
                enabled: v.enabled,
              });
              toast('Message saved');
              await load();
            },
          }),
        ),
      ),
    );
  }

  const add = form({
    label: 'Add message',
    submit: 'Add message',
    fields: [
      field({
        label: 'Text',
        name: 'text',
        kind: 'textarea',
        required: true,
        help: 'WhatsApp formatting works: *bold*, _italic_, ~strike~, `mono`',
      }),
    ],
    onSubmit: async ({ text }, el) => {
      await post('/api/v1/marketing/messages', { text });
      el.reset();
      await load();
    },
  });
  const settingsLink = can('dashboard.settings')
    ? button('Schedule settings', () => navigate('/settings'), { class: 'link' })
    : null;
  main.append(section('Schedule', schedule, settingsLink), section('Messages', list), section('Add message', add));
  await load();
}
