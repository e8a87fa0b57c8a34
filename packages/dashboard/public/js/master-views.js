// The master admin's tabs: workspaces, plans, payment references, invoices, health.
import { get, post, put } from './api.js';
import { act, button, clear, field, fmt, fmtTime, form, h, section, table, toast } from './ui.js';

const money = (minor, currency) => `${(minor / 100).toFixed(2)} ${currency}`;
const B = '/api/v1/master/billing';

export async function workspacesTab(panel) {
  const [accounts, billing, catalog] = await Promise.all([
    get('/api/v1/master/workspaces', { limit: 500 }),
    get(`${B}/workspaces`).catch(() => ({ workspaces: [] })),
    get(`${B}/plans`).catch(() => ({ plans: [] })),
  ]);
  const subs = new Map(billing.workspaces.map((w) => [w.workspace, w]));
  const assign = (w) =>
    form({
      label: `Assign a plan to ${w.name}`,
      submit: 'Set',
      fields: [
        field({
          label: 'Plan',
          name: 'plan_id',
          kind: 'select',
          value: subs.get(w.id)?.plan_id ?? '',
          options: catalog.plans.map((p) => [p.id, p.name]),
        }),
      ],
      onSubmit: async ({ plan_id }) => {
        await put(`${B}/workspaces/${encodeURIComponent(w.id)}/subscription`, {
          plan_id,
          status: 'active',
          current_period_end: null,
        });
        toast(`${w.name} is on ${plan_id}`);
      },
    });
  panel.append(
    table({
      caption: `${accounts.total} workspaces`,
      columns: [
        { label: 'Workspace', render: (w) => h('span', {}, w.name, h('small', { class: 'block muted' }, w.id)) },
        { label: 'Owner', render: (w) => `+${w.ownerPhone}` },
        { label: 'Status', key: 'status' },
        {
          label: 'Subscription',
          render: (w) => {
            const s = subs.get(w.id);
            return s ? `${s.plan_id ?? '—'} · ${s.status} · until ${fmtTime(s.current_period_end)}` : '—';
          },
        },
        { label: 'Created', render: (w) => fmtTime(w.createdAt) },
        { label: 'Assign plan', render: assign },
      ],
      rows: accounts.items,
    }),
  );
}

export async function plansTab(panel) {
  const { plans } = await get(`${B}/plans`);
  panel.append(
    table({
      columns: [
        { label: 'Id', key: 'id' },
        { label: 'Name', key: 'name' },
        { label: 'Price', render: (p) => `${money(p.price, p.currency)} / ${p.interval}` },
        { label: 'Mediums', key: 'mediums' },
        { label: 'Modules', key: 'modules' },
        { label: 'Messages / month', render: (p) => fmt(p.limits.messages_per_month ?? 'unlimited') },
        { label: 'Offered', key: 'active' },
      ],
      rows: plans,
    }),
    section(
      'New plan',
      form({
        label: 'New plan',
        submit: 'Create plan',
        fields: [
          field({ label: 'Id', name: 'id', required: true, help: 'lowercase letters, digits, - and _' }),
          field({ label: 'Name', name: 'name', required: true }),
          field({ label: 'Price (cents)', name: 'price', kind: 'number', required: true, min: 0 }),
          field({ label: 'Currency', name: 'currency', value: 'USD', required: true }),
          field({ label: 'Interval', name: 'interval', kind: 'select', options: ['month', 'year'] }),
          field({
            label: 'Mediums',
            name: 'mediums',
            value: 'whatsapp, webchat',
            help: 'Comma-separated: whatsapp, telegram, webchat, whatsapp_cloud, greenapi',
          }),
          field({
            label: 'Modules',
            name: 'modules',
            value: 'support',
            help: 'Comma-separated: support, ai, marketing, send_api, tickets',
          }),
        ],
        onSubmit: async (v) => {
          const list = (s) =>
            s
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean);
          await post(`${B}/plans`, {
            id: v.id,
            name: v.name,
            price: Number(v.price),
            currency: v.currency,
            interval: v.interval,
            mediums: list(v.mediums),
            modules: list(v.modules),
          });
          toast(`Plan ${v.id} created`);
          clear(panel);
          await plansTab(panel);
        },
      }),
    ),
  );
}

export async function referencesTab(panel) {
  const { references } = await get(`${B}/payment-references`);
  const redraw = async () => {
    clear(panel);
    await referencesTab(panel);
  };
  panel.append(
    table({
      columns: [
        { label: 'Invoice', key: 'number' },
        { label: 'Workspace', key: 'workspace' },
        { label: 'Plan', key: 'plan_id' },
        { label: 'Amount', render: (i) => money(i.amount, i.currency) },
        { label: 'Reference', key: 'reference' },
        { label: 'Submitted', render: (i) => fmtTime(i.reference_submitted_at) },
        {
          label: 'Review',
          render: (i) =>
            h(
              'div',
              { class: 'row-actions' },
              button(
                'Approve',
                (e) =>
                  act(
                    e.currentTarget,
                    async () => {
                      await post(`${B}/payment-references/${encodeURIComponent(i.id)}/approve`);
                      await redraw();
                    },
                    'Approved',
                  ),
                { class: 'primary' },
              ),
              button(
                'Reject',
                (e) => {
                  const reason = prompt('Why is the reference rejected?');
                  if (!reason) return;
                  return act(
                    e.currentTarget,
                    async () => {
                      await post(`${B}/payment-references/${encodeURIComponent(i.id)}/reject`, { reason });
                      await redraw();
                    },
                    'Rejected',
                  );
                },
                { class: 'danger' },
              ),
            ),
        },
      ],
      rows: references,
      empty: 'No payment reference waits for review.',
    }),
  );
}

export async function invoicesTab(panel) {
  const { invoices } = await get(`${B}/invoices`);
  panel.append(
    table({
      columns: [
        { label: 'Invoice', key: 'number' },
        { label: 'Workspace', key: 'workspace' },
        { label: 'Plan', key: 'plan_id' },
        { label: 'Amount', render: (i) => money(i.amount, i.currency) },
        { label: 'Status', key: 'status' },
        { label: 'Provider', key: 'provider' },
        { label: 'Created', render: (i) => fmtTime(i.created_at) },
      ],
      rows: invoices,
      empty: 'No invoices yet.',
    }),
  );
}

export async function healthTab(panel) {
  const { workspaces } = await get(`${B}/health`);
  panel.append(
    table({
      columns: [
        { label: 'Workspace', key: 'workspace' },
        {
          label: 'Healthy',
          render: (w) => h('span', { class: `badge ${w.healthy ? 'ok' : 'bad'}` }, w.healthy ? 'healthy' : 'attention'),
        },
        {
          label: 'Subscription',
          render: (w) => `${w.subscription.status}${w.subscription.blocked ? ' (blocked)' : ''}`,
        },
        {
          label: 'Channels',
          render: (w) =>
            w.channels.map((c) => `${c.name}: ${c.state}${c.allowed ? '' : ' (not in plan)'}`).join(', ') || '—',
        },
        {
          label: 'Panel',
          render: (w) => `${w.panel.state}${w.panel.latency_ms !== null ? ` · ${w.panel.latency_ms} ms` : ''}`,
        },
        {
          label: 'Last errors',
          render: (w) =>
            w.errors
              .slice(0, 3)
              .map((e) => `${e.code}: ${e.message}`)
              .join(' · ') || '—',
        },
      ],
      rows: workspaces,
    }),
  );
}
