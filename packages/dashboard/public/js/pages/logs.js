import { get, patch, post } from '../api.js';
import { inboxView } from '../inbox-view.js';
import { act, button, clear, field, fmtTime, form, h, pager, section, table, tabs, toast } from '../ui.js';

const STATUSES = ['open', 'escalated', 'ticket created', 'resolved', 'ignored'];
/** `ticket created` travels as `ticket_created` (no space in a URL or a select value). */
const wire = (s) => s.replace(' ', '_');

function report(escalation) {
  if (!escalation?.lines?.length) return;
  toast(escalation.lines.join(' · '), escalation.problems ? 'bad' : 'ok');
}

/**
 * The log entries: filters (day, action, support status, priority), paging, a status per row and a bulk
 * status for the selected rows (GET /api/v1/logs, PATCH /api/v1/logs/:id/support-status, POST bulk-status).
 */
async function entries(main) {
  const filters = { page: 1, limit: 25 };
  const results = h('div', { 'aria-live': 'polite' });
  let selected = [];

  const bulkStatus = field({
    label: 'Set status of selected',
    name: 'bulk',
    kind: 'select',
    options: STATUSES.map((s) => [wire(s), s]),
  });
  const bulkButton = button('Apply to selected', (e) =>
    act(e.currentTarget, async () => {
      if (!selected.length) throw new Error('Select one or more rows first.');
      const status = bulkStatus.querySelector('select').value;
      const r = await post('/api/v1/logs/bulk-status', { ids: selected.map(Number), status });
      toast(`Updated ${r.updated.length}${r.not_found.length ? `, not found: ${r.not_found.join(', ')}` : ''}`);
      report(r.escalation);
      await load();
    }),
  );
  const bulk = h(
    'div',
    { class: 'bulk', role: 'group', 'aria-label': 'Bulk status' },
    bulkStatus,
    bulkButton,
    h('span', { class: 'muted count' }, ''),
  );

  const statusCell = (row) => {
    const select = h(
      'select',
      { 'aria-label': `Support status of #${row.serial}`, 'data-serial': row.serial },
      STATUSES.map((s) => h('option', { value: wire(s), selected: s === row.support_status }, s)),
    );
    select.addEventListener('change', async () => {
      select.disabled = true;
      try {
        const r = await patch(`/api/v1/logs/${row.serial}/support-status`, { status: select.value });
        toast(`#${row.serial} is ${r.item.support_status}`);
        report(r.escalation);
      } catch (err) {
        toast(err.message, 'bad');
      } finally {
        select.disabled = false;
      }
    });
    return select;
  };

  const clip = (text, width = '') => h('span', { class: `clip ${width}`, title: text }, text);
  const columns = [
    {
      label: '#',
      render: (r) => h('span', {}, `#${r.serial}`, h('small', { class: 'block muted' }, fmtTime(r.created_at))),
    },
    {
      label: 'Action',
      render: (r) =>
        h(
          'span',
          {},
          r.action,
          r.priority ? h('span', { class: 'badge bad' }, 'priority') : null,
          r.order_ids.length ? h('small', { class: 'block muted' }, r.order_ids.join(', ')) : null,
          r.provider ? h('small', { class: 'block muted' }, `${r.provider} ${r.provider_order_ids.join(', ')}`) : null,
        ),
    },
    { label: 'Customer', render: (r) => clip(r.panel_user ?? r.sender_id, 'narrow') },
    { label: 'Message', render: (r) => clip(r.raw_text) },
    { label: 'Reply', render: (r) => clip(r.reply) },
    { label: 'Result', render: (r) => h('span', { class: `badge ${r.result === 'ok' ? 'ok' : 'warn'}` }, r.result) },
    { label: 'Status', render: statusCell },
  ];

  async function load() {
    const data = await get('/api/v1/logs', filters);
    selected = [];
    bulk.querySelector('.count').textContent = '';
    clear(
      results,
      table({
        columns,
        rows: data.items,
        empty: 'No log entries match.',
        caption: 'Message log, newest first',
        select: {
          keyOf: (r) => String(r.serial),
          changed: (ids) => {
            selected = ids;
            bulk.querySelector('.count').textContent = ids.length ? `${ids.length} selected` : '';
          },
        },
      }),
      pager({
        ...data,
        capped: data.total_capped,
        onPage: (page) => {
          filters.page = page;
          return load();
        },
      }),
    );
  }

  const filterForm = form({
    label: 'Filters',
    submit: 'Filter',
    fields: [
      field({ label: 'Day', name: 'date', kind: 'date' }),
      field({ label: 'Action', name: 'action', placeholder: 'refill, order, admin.resolve…' }),
      field({
        label: 'Status',
        name: 'status',
        kind: 'select',
        options: [['', 'any'], ...STATUSES.map((s) => [wire(s), s])],
      }),
      field({
        label: 'Priority',
        name: 'priority',
        kind: 'select',
        options: [
          ['', 'any'],
          ['true', 'priority only'],
          ['false', 'not priority'],
        ],
      }),
    ],
    onSubmit: async (v) => {
      Object.assign(filters, {
        date: v.date,
        action: v.action.trim(),
        status: v.status,
        priority: v.priority,
        page: 1,
      });
      await load();
    },
  });
  filterForm.classList.add('inline');

  // New entries show up by themselves while nothing is selected or being changed.
  const timer = setInterval(() => {
    if (!selected.length && !document.hidden && !main.querySelector('select:focus')) void load().catch(() => {});
  }, 5_000);
  main.append(section('Filters', filterForm), section('Entries', bulk, results));
  await load();
  return () => clearInterval(timer);
}

const TABS = [
  { id: 'entries', title: 'Log entries' },
  { id: 'inbox', title: 'Chat inbox' },
];

/** Message Logs: the log entries (filters, status, bulk status) and the live chat inbox, on two tabs. */
export default function logs(main, { rest, onCleanup }) {
  let stop;
  let shown = 0;
  const close = () => {
    shown++;
    stop?.();
    stop = undefined;
  };
  onCleanup(close);
  const show = (id, panel) => {
    close();
    const mine = shown;
    const running = id === 'inbox' ? inboxView(panel) : entries(panel);
    running.then(
      (fn) => {
        // A tab left before it finished loading stops at once.
        if (mine === shown) stop = fn;
        else fn();
      },
      (err) => panel.append(h('p', { class: 'error', role: 'alert' }, err.message)),
    );
  };
  main.append(tabs(TABS, show, rest[0] === 'inbox' ? 'inbox' : 'entries'));
}
