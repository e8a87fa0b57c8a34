import { get } from '../api.js';
import { alertsView, balancerSnapshot } from '../balancer-view.js';
import { clear, fmt, h, section, table } from '../ui.js';

const LOGIN_EVERY_MS = 2000;

/**
 * One WhatsApp Web login, polled every 2 s (GET /api/v1/channels/:name/login): while its status is `qr`,
 * the QR string is drawn as an SVG by the server (GET <base>/qr.svg?data=…) and replaced as WhatsApp
 * rotates it; once open, the phone is connected.
 */
function loginCard(base, channel, onCleanup) {
  const body = h('div', { class: 'login', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  let timer;
  let lastQr;
  const poll = async () => {
    try {
      const login = await get(`/api/v1/channels/${encodeURIComponent(channel.name)}/login`);
      if (login.status === 'qr' && login.qr) {
        if (login.qr !== lastQr) {
          lastQr = login.qr;
          clear(
            body,
            h('p', {}, 'Open WhatsApp on the phone → Linked devices → Link a device, and scan this code.'),
            h('img', {
              class: 'qr',
              src: `${base}/qr.svg?data=${encodeURIComponent(login.qr)}`,
              alt: 'WhatsApp login QR code',
              width: 264,
              height: 264,
            }),
          );
        }
      } else {
        lastQr = undefined;
        clear(
          body,
          h(
            'p',
            { class: `badge ${login.status === 'open' ? 'ok' : 'warn'}`, 'data-status': login.status },
            login.status === 'open' ? 'Connected' : login.status,
          ),
          login.pairing_code ? h('p', {}, 'Pairing code: ', h('strong', { class: 'code' }, login.pairing_code)) : null,
          login.reason ? h('p', { class: 'muted' }, login.reason) : null,
        );
      }
    } catch (err) {
      clear(body, h('p', { class: 'error' }, err.message));
    }
    timer = setTimeout(poll, LOGIN_EVERY_MS);
  };
  void poll();
  onCleanup(() => clearTimeout(timer));
  return h('article', { class: 'card' }, h('h3', {}, channel.name), body);
}

function channelsTable(items) {
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
    ],
    rows: items,
  });
}

/**
 * WhatsApp Numbers: the channels and their link state (redrawn with the balancer snapshot), each
 * WhatsApp login's QR live, the balancer's live snapshot and its alerts.
 */
export default async function whatsapp(main, { base, onCleanup }) {
  const { items } = await get('/api/v1/channels');
  const logins = items.filter((c) => c.login_available);
  const channels = h('div', {}, channelsTable(items));
  main.append(
    section('Channels', channels),
    section(
      'Connect a number',
      logins.length
        ? h(
            'div',
            { class: 'grid' },
            logins.map((c) => loginCard(base, c, onCleanup)),
          )
        : h(
            'p',
            { class: 'muted' },
            'No WhatsApp Web channel is configured. Add "@smmbot/channel-baileys" to the plugins in smmbot.config.yaml (or run `smmbot connect whatsapp`), restart, and its QR code appears here.',
          ),
    ),
  );
  const alerts = alertsView();
  let alertCount = -1;
  const snapshot = balancerSnapshot((s) => {
    if (s.alerts.length !== alertCount) {
      alertCount = s.alerts.length;
      void alerts.load().catch(() => {});
    }
    get('/api/v1/channels').then(
      (r) => clear(channels, channelsTable(r.items)),
      () => {},
    );
  });
  onCleanup(snapshot.stop);
  main.append(snapshot.el, alerts.el);
}
