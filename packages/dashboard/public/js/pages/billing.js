import { get, post } from '../api.js';
import { act, button, clear, field, fmt, fmtTime, form, h, section, table, toast } from '../ui.js';

const money = (minor, currency) => `${(minor / 100).toFixed(2)} ${currency.toUpperCase()}`;
const limit = (u) => `${fmt(u.used)} / ${u.limit === null ? 'unlimited' : u.limit}`;

/** Billing: subscription and usage, the plans (checkout / change plan), invoices and payment references. */
export default async function billing(main) {
  const current = h('div', {});
  const plans = h('div', { class: 'grid' });
  const invoices = h('div', {});
  const note = h('div', { role: 'status' });

  const showCheckout = (r) => {
    if (r.kind === 'redirect' && r.url) {
      clear(note, h('p', {}, 'Continue to the payment page: ', h('a', { href: r.url, rel: 'noopener' }, r.url)));
    } else if (r.kind === 'invoice') {
      clear(
        note,
        h('p', {}, `Invoice ${r.invoice?.number ?? ''} created.`),
        r.instructions ? h('pre', { class: 'instructions' }, r.instructions) : null,
      );
    } else clear(note, h('p', {}, `Plan active until ${fmtTime(r.subscription?.current_period_end)}.`));
  };

  async function load() {
    const [sub, usage, catalog, list] = await Promise.all([
      get('/api/v1/billing/subscription'),
      get('/api/v1/billing/usage'),
      get('/api/v1/billing/plans'),
      get('/api/v1/billing/invoices'),
    ]);
    clear(
      current,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Plan'),
        h('dd', {}, sub.plan?.name ?? 'none', sub.fallback ? ' (free plan after a lapse)' : ''),
        h('dt', {}, 'Status'),
        h('dd', {}, h('span', { class: `badge ${sub.blocked ? 'bad' : 'ok'}` }, sub.status)),
        h('dt', {}, 'Renews / expires'),
        h('dd', {}, fmtTime(sub.subscription?.current_period_end)),
        h('dt', {}, `Usage ${usage.period}`),
        h(
          'dd',
          {},
          `messages ${limit(usage.messages)} · AI ${limit(usage.ai_requests)} · phones ${limit(usage.phones)} · staff ${limit(usage.staff)}`,
        ),
        h('dt', {}, 'Modules'),
        h('dd', {}, fmt(sub.modules)),
      ),
    );
    clear(
      plans,
      catalog.plans.map((p) => {
        const mine = p.id === catalog.current_plan_id;
        return h(
          'article',
          { class: `card plan${mine ? ' current' : ''}` },
          h('h3', {}, p.name, mine ? h('span', { class: 'badge ok' }, 'current') : null),
          h('p', { class: 'price' }, `${money(p.price, p.currency)} / ${p.interval}`),
          h(
            'p',
            { class: 'muted' },
            `${p.limits.messages_per_month ?? 'Unlimited'} messages · ${p.limits.phones ?? 'unlimited'} phones · ${fmt(p.mediums)}`,
          ),
          mine
            ? null
            : button(
                catalog.current_plan_id ? 'Switch to this plan' : 'Choose',
                (e) =>
                  act(e.currentTarget, async () => {
                    const path = catalog.current_plan_id ? '/api/v1/billing/change-plan' : '/api/v1/billing/checkout';
                    showCheckout(await post(path, { plan_id: p.id }));
                    await load();
                  }),
                { class: 'primary' },
              ),
        );
      }),
    );
    clear(
      invoices,
      table({
        columns: [
          { label: 'Number', key: 'number' },
          { label: 'Plan', key: 'plan_id' },
          { label: 'Amount', render: (i) => money(i.amount, i.currency) },
          {
            label: 'Status',
            render: (i) =>
              h('span', { class: `badge ${i.status === 'paid' ? 'ok' : 'warn'}` }, i.status.replace('_', ' ')),
          },
          { label: 'Created', render: (i) => fmtTime(i.created_at) },
          {
            label: 'Reference',
            render: (i) => i.reference ?? (i.rejection_reason ? `rejected: ${i.rejection_reason}` : '—'),
          },
          {
            label: 'Pay',
            render: (i) =>
              i.hosted_url
                ? h('a', { href: i.hosted_url, rel: 'noopener' }, 'Open')
                : i.status === 'open'
                  ? form({
                      label: `Pay ${i.number}`,
                      submit: 'Submit',
                      fields: [field({ label: 'Payment reference', name: 'reference', required: true })],
                      onSubmit: async ({ reference }) => {
                        await post('/api/v1/billing/payment-reference', { invoice_id: i.id, reference });
                        toast('Reference submitted: it is reviewed shortly');
                        await load();
                      },
                    })
                  : '—',
          },
        ],
        rows: list.invoices,
        empty: 'No invoices yet.',
      }),
    );
  }

  const portal = button('Billing portal', (e) =>
    act(e.currentTarget, async () => {
      const r = await get('/api/v1/billing/portal');
      if (r.url) window.open(r.url, '_blank', 'noopener');
      else
        clear(
          note,
          h(
            'pre',
            { class: 'instructions' },
            r.instructions ?? 'Manual billing: pay the open invoice and submit its reference.',
          ),
        );
    }),
  );
  main.append(section('Subscription', current, portal, note), section('Plans', plans), section('Invoices', invoices));
  await load();
}
