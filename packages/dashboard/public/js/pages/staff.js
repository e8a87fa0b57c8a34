import { del, get, post } from '../api.js';
import { act, button, clear, field, fmtTime, form, h, section, table, toast } from '../ui.js';

const ROLES = [
  ['staff', 'Staff: Message Logs only'],
  ['staff_admin', 'Staff admin: everything but Billing, Admin & Staff and WhatsApp Numbers'],
];

/**
 * Admin & Staff: the workspace's numbers; add one with a 6-digit code sent to it on WhatsApp
 * (send-code → verify), after which its password is sent to that number; remove a number.
 */
export default async function staff(main, { me }) {
  const list = h('div', { 'aria-live': 'polite' });
  const adder = h('div', {});

  async function load() {
    const { items } = await get('/api/v1/admin-numbers');
    clear(
      list,
      table({
        columns: [
          { label: 'Phone', render: (u) => `+${u.phone}` },
          { label: 'Role', key: 'role' },
          { label: 'Added', render: (u) => fmtTime(u.createdAt) },
          { label: 'Last login', render: (u) => fmtTime(u.lastLoginAt) },
          {
            label: 'Actions',
            render: (u) =>
              u.role === 'owner' || u.id === me.user?.id
                ? h('span', { class: 'muted' }, 'owner')
                : button(
                    'Remove',
                    (e) => {
                      if (!confirm(`Remove +${u.phone}? Their sessions end.`)) return;
                      return act(
                        e.currentTarget,
                        async () => {
                          await del(`/api/v1/admin-numbers/${encodeURIComponent(u.id)}`);
                          await load();
                        },
                        'Number removed',
                      );
                    },
                    { class: 'danger' },
                  ),
          },
        ],
        rows: items,
      }),
    );
  }

  const askPhone = () =>
    clear(
      adder,
      form({
        label: 'Add a number, step 1 of 2',
        submit: 'Send code',
        fields: [
          field({
            label: 'Phone number',
            name: 'phone',
            kind: 'tel',
            required: true,
            help: 'International form, e.g. +8801711000000',
          }),
          field({ label: 'Role', name: 'role', kind: 'select', options: ROLES }),
        ],
        onSubmit: async ({ phone, role }) => {
          await post('/api/v1/admin-numbers/send-code', { phone });
          askCode(phone, role);
        },
      }),
    );
  const askCode = (phone, role) => {
    clear(
      adder,
      h('p', { role: 'status' }, `A 6-digit code was sent to ${phone} on WhatsApp. Ask them for it.`),
      form({
        label: 'Add a number, step 2 of 2',
        submit: 'Verify and add',
        fields: [field({ label: 'Code', name: 'code', required: true, autocomplete: 'one-time-code' })],
        extra: button('Cancel', askPhone),
        onSubmit: async ({ code }) => {
          const added = await post('/api/v1/admin-numbers/verify', { phone, code: code.trim(), role });
          toast(
            added.credentials === 'sent'
              ? `Added +${added.phone} as ${added.role}: the login details were sent to their WhatsApp`
              : `Added +${added.phone} as ${added.role}; the login details could not be sent: use Forgot password`,
            added.credentials === 'sent' ? 'ok' : 'warn',
          );
          askPhone();
          await load();
        },
      }),
    );
    adder.querySelector('input')?.focus();
  };

  askPhone();
  main.append(section('Numbers', list), section('Add number', adder));
  await load();
}
