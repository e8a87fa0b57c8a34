import { get } from './api.js';
import { clear, h } from './ui.js';

const LOGIN_EVERY_MS = 2000;

const pairingText = (code) =>
  h(
    'p',
    {},
    'On the phone: WhatsApp → Linked devices → Link with phone number instead, and enter ',
    h('strong', { class: 'code', 'data-pairing-code': '' }, code),
  );

/**
 * One WhatsApp Web login, polled every 2 s (GET /api/v1/channels/:name/login): while its status is `qr`,
 * the QR string is drawn as an SVG by the server (GET <base>/qr.svg?data=…) and replaced as WhatsApp
 * rotates it; a pairing code is shown as text; once open, the phone is connected.
 * Returns { el, stop }: `stop()` ends the polling (the card left the page).
 */
export function loginCard(base, name, { heading = name } = {}) {
  const body = h('div', { class: 'login', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  let timer;
  let lastQr;
  let stopped = false;
  const poll = async () => {
    try {
      const login = await get(`/api/v1/channels/${encodeURIComponent(name)}/login`);
      if (stopped) return;
      if (login.status === 'qr' && login.qr) {
        // A number logging in with a pairing code shows the code first; the QR stays as the other way.
        const shown = `${login.qr}|${login.pairing_code ?? ''}`;
        if (shown !== lastQr) {
          lastQr = shown;
          clear(
            body,
            login.pairing_code ? pairingText(login.pairing_code) : null,
            h(
              'p',
              {},
              login.pairing_code
                ? 'Or scan this code: WhatsApp → Linked devices → Link a device.'
                : 'Open WhatsApp on the phone → Linked devices → Link a device, and scan this code.',
            ),
            h('img', {
              class: 'qr',
              src: `${base}/qr.svg?data=${encodeURIComponent(login.qr)}`,
              alt: `WhatsApp login QR code for ${name}`,
              'data-channel': name,
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
          login.pairing_code ? pairingText(login.pairing_code) : null,
          login.reason ? h('p', { class: 'muted' }, login.reason) : null,
        );
      }
    } catch (err) {
      if (stopped) return;
      clear(body, h('p', { class: 'error' }, err.message));
    }
    if (!stopped) timer = setTimeout(poll, LOGIN_EVERY_MS);
  };
  void poll();
  return {
    el: h('article', { class: 'card', 'data-login': name }, h('h3', { tabindex: '-1' }, heading), body),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
