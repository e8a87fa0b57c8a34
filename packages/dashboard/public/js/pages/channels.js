import { del, get } from '../api.js';
import { alertsView, balancerSnapshot } from '../balancer-view.js';
import { connectChannel } from '../channel-connect.js';
import { act, button, clear, fmt, h, section, table } from '../ui.js';
import { loginCard } from '../whatsapp-login.js';

function channelsTable(items, { runtime, disconnect }) {
  return table({
    columns: [
      { label: 'Name', key: 'name' },
      { label: 'Kind', key: 'kind' },
      {
        label: 'State',
        render: (c) =>
          c.link
            ? h('span', { class: `badge ${c.link.state === 'connected' ? 'ok' : 'warn'}` }, c.link.state)
            : 'always on',
      },
      { label: 'Groups', render: (c) => fmt(c.capabilities.groups) },
      { label: 'Anti-ban balancer', render: (c) => fmt(c.capabilities.anti_ban) },
      {
        label: 'Action',
        render: (c) =>
          runtime(c)
            ? button('Disconnect', (e) => disconnect(c, e.currentTarget), { 'aria-label': `Disconnect ${c.name}` })
            : h('span', { class: 'muted' }, 'set up by the host'),
      },
    ],
    rows: items,
    empty: 'No channel yet: connect one below.',
  });
}

/**
 * Channels: every channel of the workspace with its state, Disconnect for those connected from here,
 * "Connect a channel" (WhatsApp number, Telegram bot, Cloud API, Green API), each WhatsApp login's QR
 * live, and the balancer's live snapshot with its alerts. The channel list redraws with the snapshot.
 */
export default async function channels(main, { base, me, onCleanup }) {
  // Channels connected from the dashboard are named `<workspace>.<name>`; the rest come from the config.
  const runtime = (c) => Boolean(me.workspace?.id) && c.name.startsWith(`${me.workspace.id}.`);
  const list = h('div', {});
  const logins = h('div', { class: 'grid' });
  const cards = new Map();
  onCleanup(() => {
    for (const card of cards.values()) card.stop();
  });
  let drawn;

  const disconnect = (c, el) => {
    if (!confirm(`Disconnect ${c.name}? It stops at once; its token or WhatsApp login is forgotten.`)) return;
    return act(
      el,
      async () => {
        await del(`/api/v1/channels/${encodeURIComponent(c.name)}`);
        await refresh();
      },
      `Disconnected ${c.name}`,
    );
  };

  const connect = connectChannel(base, { onConnected: () => refresh(), onCleanup });

  /** Redraws the list (only when it changed: a focused button keeps its focus) and the login cards. */
  async function refresh() {
    const { items } = await get('/api/v1/channels');
    const json = JSON.stringify(items);
    if (json !== drawn) {
      drawn = json;
      clear(list, channelsTable(items, { runtime, disconnect }));
    }
    connect.sync(items.map((c) => c.name));
    // One login card per WhatsApp Web channel, except the one the connect form is showing.
    const wanted = items.filter((c) => c.login_available && !connect.shown.has(c.name)).map((c) => c.name);
    for (const [name, card] of cards) {
      if (wanted.includes(name)) continue;
      card.stop();
      card.el.remove();
      cards.delete(name);
    }
    for (const name of wanted) {
      if (cards.has(name)) continue;
      const card = loginCard(base, name);
      cards.set(name, card);
      logins.append(card.el);
    }
    empty.hidden = cards.size > 0;
  }

  const empty = h(
    'p',
    { class: 'muted' },
    'No WhatsApp number waits for a login. Connect one above: its QR code appears here until the phone is linked.',
  );
  main.append(
    section('Channels', list),
    section('Connect a channel', connect.el),
    section('WhatsApp logins', logins, empty),
  );
  await refresh();

  const alerts = alertsView();
  let alertCount = -1;
  const snapshot = balancerSnapshot((s) => {
    if (s.alerts.length !== alertCount) {
      alertCount = s.alerts.length;
      void alerts.load().catch(() => {});
    }
    void refresh().catch(() => {});
  });
  onCleanup(snapshot.stop);
  main.append(snapshot.el, alerts.el);
}
