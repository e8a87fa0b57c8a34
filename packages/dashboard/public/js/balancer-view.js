// The load balancer's live snapshot (refreshed every 4 s) and its smart alerts with Resolve.
import { get, post } from './api.js';
import { act, button, clear, fmtTime, h, section, table } from './ui.js';

export const SNAPSHOT_EVERY_MS = 4000;

const pct = (n) => `${Math.round(n * 100)}%`;
const until = (iso) => {
  if (!iso) return '—';
  const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  return s > 0 ? `${s} s` : '—';
};

function stat(label, value, kind) {
  return h(
    'div',
    { class: `stat ${kind ?? ''}` },
    h('span', { class: 'value' }, String(value)),
    h('span', { class: 'label' }, label),
  );
}

/** A section that redraws itself from GET /api/v1/balancer/snapshot every 4 s until `stop()`. */
export function balancerSnapshot(onChange) {
  const stats = h('div', { class: 'stats' });
  const phones = h('div', {});
  const stamp = h('p', { class: 'muted', 'aria-live': 'off' });
  let timer;
  let stopped = false;

  async function refresh() {
    const s = await get('/api/v1/balancer/snapshot');
    const connected = s.phones.filter((p) => p.state === 'connected').length;
    const cooling = s.phones.filter(
      (p) => p.cooldown_until && new Date(p.cooldown_until).getTime() > Date.now(),
    ).length;
    clear(
      stats,
      stat('Connected', connected, connected ? 'ok' : 'bad'),
      stat('Total phones', s.phones.length),
      stat('On cooldown', cooling),
      stat('Next to send', s.next_phone ?? '—'),
      stat('Active alerts', s.alerts.length, s.alerts.length ? 'warn' : 'ok'),
      stat('Queued', s.queue.queued + s.queue.pending),
    );
    clear(
      phones,
      table({
        caption: 'Phones by score (lowest is picked first)',
        columns: [
          { label: 'Phone', key: 'channel' },
          {
            label: 'Status',
            render: (p) => h('span', { class: `badge ${p.state === 'connected' ? 'ok' : 'bad'}` }, p.state),
          },
          { label: 'Age', render: (p) => `${Math.floor(p.age_days)} d` },
          { label: 'Seniority', render: (p) => p.seniority.toFixed(2) },
          { label: 'Score', render: (p) => p.score.toFixed(1) },
          { label: 'Today', render: (p) => `${p.today_sent} / ${p.daily_cap ?? '∞'}` },
          { label: 'Total sent', key: 'total_sent' },
          { label: 'Fail rate', render: (p) => pct(p.fail_rate) },
          { label: 'Consec. fails', key: 'consecutive_fails' },
          { label: 'Cooldown', render: (p) => until(p.cooldown_until) },
          { label: 'Last sent', render: (p) => fmtTime(p.last_sent_at) },
        ],
        rows: [...s.phones].sort((a, b) => a.score - b.score),
        empty: 'No WhatsApp phone is connected yet: replies go out through the other channels directly.',
      }),
    );
    stamp.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every 4 s`;
    stamp.dataset.at = String(Date.now());
    onChange?.(s);
  }

  const loop = async () => {
    try {
      await refresh();
    } catch (err) {
      stamp.textContent = `Could not refresh: ${err.message}`;
    }
    if (!stopped) timer = setTimeout(loop, SNAPSHOT_EVERY_MS);
  };
  void loop();
  const el = section('Load balancer — live snapshot', stamp, stats, phones);
  el.id = 'balancer';
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return { el, stop };
}

/** Smart alerts: counts by severity, the log newest first, Resolve on active ones. */
export function alertsView() {
  const counts = h('div', { class: 'stats' });
  const list = h('div', { 'aria-live': 'polite' });
  async function load() {
    const { items } = await get('/api/v1/balancer/alerts');
    const active = items.filter((a) => a.status === 'active');
    clear(
      counts,
      stat('Critical', active.filter((a) => a.severity === 'critical').length, 'bad'),
      stat('Warnings', active.filter((a) => a.severity === 'warning').length, 'warn'),
      stat('Info', active.filter((a) => a.severity === 'info').length),
      stat('Resolved', items.length - active.length, 'ok'),
    );
    clear(
      list,
      table({
        columns: [
          {
            label: 'Severity',
            render: (a) =>
              h(
                'span',
                { class: `badge ${a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''}` },
                a.severity,
              ),
          },
          { label: 'Type', key: 'type' },
          { label: 'Phone', key: 'phone' },
          { label: 'Details', key: 'details' },
          { label: 'Status', key: 'status' },
          { label: 'Time', render: (a) => fmtTime(a.created_at) },
          {
            label: 'Action',
            render: (a) =>
              a.status === 'active'
                ? button('Resolve', (e) =>
                    act(
                      e.currentTarget,
                      async () => {
                        await post(`/api/v1/balancer/alerts/${encodeURIComponent(a.id)}/resolve`);
                        await load();
                      },
                      'Alert resolved',
                    ),
                  )
                : fmtTime(a.resolved_at),
          },
        ],
        rows: items,
        empty: 'No alerts. Bans, failure streaks and phone switches show up here.',
      }),
    );
  }
  const el = section('Smart alerts', counts, list);
  return { el, load };
}
