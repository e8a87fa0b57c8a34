// "Connect a channel" (POST /api/v1/channels): one form whose fields follow the chosen kind, and what
// the owner needs next — the new number's live QR / pairing code, or the webhook URL and token to paste.
import { post } from './api.js';
import { button, clear, field, form, h, toast } from './ui.js';
import { loginCard } from './whatsapp-login.js';

const NAME = {
  label: 'Channel name',
  name: 'name',
  autocomplete: 'off',
  help: 'Optional: a-z, 0-9 and -, e.g. sales. One is made up when empty.',
};
const secret = (label, name, help) => ({ label, name, kind: 'password', required: true, autocomplete: 'off', help });

/** The kinds the channels API connects, with the fields each one needs (the API's body, field by field). */
export const KINDS = [
  {
    id: 'whatsapp',
    title: 'WhatsApp number (QR code or pairing code)',
    fields: [
      NAME,
      {
        label: 'Phone for a pairing code',
        name: 'pairing_phone',
        kind: 'tel',
        autocomplete: 'off',
        help: 'Optional: digits with country code. Log in with an 8-character code instead of scanning a QR code.',
      },
    ],
  },
  {
    id: 'telegram',
    title: 'Telegram bot',
    fields: [secret('Bot token', 'token', 'From @BotFather, like 123456789:AAH…'), NAME],
  },
  {
    id: 'whatsapp-cloud',
    title: 'WhatsApp Cloud API (Meta)',
    fields: [
      { label: 'Phone number ID', name: 'phone_number_id', required: true, autocomplete: 'off' },
      secret('Access token', 'access_token', 'A permanent (system user) token of the Meta app.'),
      secret('App secret', 'app_secret', 'Checks that webhooks really come from Meta.'),
      {
        label: 'Verify token',
        name: 'verify_token',
        autocomplete: 'off',
        help: 'Optional: one is made for you when empty.',
      },
      {
        label: 'Graph API URL',
        name: 'graph_base_url',
        kind: 'url',
        autocomplete: 'off',
        help: 'Optional: https://graph.facebook.com/v21.0 when empty.',
      },
      NAME,
    ],
  },
  {
    id: 'greenapi',
    title: 'Green API',
    fields: [
      { label: 'Instance ID', name: 'id_instance', required: true, autocomplete: 'off' },
      secret('API token of the instance', 'api_token_instance'),
      {
        label: 'API URL',
        name: 'api_url',
        kind: 'url',
        autocomplete: 'off',
        help: 'Optional: as the console shows it.',
      },
      {
        label: 'Webhook token',
        name: 'webhook_token',
        autocomplete: 'off',
        help: 'Optional: one is made for you when empty.',
      },
      NAME,
    ],
  },
];

/** A value to paste somewhere else, with a Copy button (the clipboard needs a secure context). */
function copyable(label, value) {
  const copy = button('Copy', async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(`${label} copied`);
    } catch {
      toast('Copy is not available here: select the text and copy it', 'warn');
    }
  });
  copy.setAttribute('aria-label', `Copy ${label}`);
  return h('div', { class: 'copyable' }, h('dt', {}, label), h('dd', {}, h('code', {}, value), copy));
}

/**
 * What to do after connecting a webhook channel: the webhook URL (the API gives a path; the vendor needs
 * it absolute, on the address this page was opened at) and its token, which the API returns only once.
 */
function webhookSteps(kind, r) {
  const url = new URL(r.webhook_url, location.origin).href;
  const once = h('p', { class: 'muted' }, 'The token is shown only now: copy it before you leave this page.');
  if (kind === 'whatsapp-cloud') {
    return [
      h(
        'p',
        {},
        'In the Meta app dashboard, WhatsApp → Configuration → Webhook: set these, then subscribe to "messages".',
      ),
      h('dl', { class: 'paste' }, copyable('Callback URL', url), copyable('Verify token', r.verify_token)),
      once,
    ];
  }
  return [
    h(
      'p',
      {},
      'In the Green API console, the instance settings: set the webhook URL and the webhookUrlToken to these, and turn on notifications of incoming messages.',
    ),
    h('dl', { class: 'paste' }, copyable('Webhook URL', url), copyable('Webhook URL token', r.webhook_token)),
    once,
  ];
}

/**
 * The form and its result area. `onConnected()` refreshes the page's channel list; `shown` holds the
 * channel whose login card is drawn here (the page's login list leaves it out).
 */
export function connectChannel(base, { onConnected, onCleanup }) {
  const shown = new Set();
  let stopCard;
  const endCard = () => {
    stopCard?.();
    stopCard = undefined;
    shown.clear();
  };
  onCleanup(endCard);

  const result = h('div', { class: 'connect-result', 'aria-live': 'polite' });
  const fieldsBox = h('div', { class: 'kind-fields' });
  const kindField = field({ label: 'Kind', name: 'kind', kind: 'select', options: KINDS.map((k) => [k.id, k.title]) });
  const select = kindField.querySelector('select');
  const drawFields = () =>
    clear(
      fieldsBox,
      KINDS.find((k) => k.id === select.value).fields.map((f) => field(f)),
    );
  select.addEventListener('change', drawFields);
  drawFields();

  const el = form({
    label: 'Connect a channel',
    submit: 'Connect',
    fields: [kindField, fieldsBox],
    onSubmit: async (v) => {
      const body = Object.fromEntries(Object.entries(v).filter(([, value]) => String(value).trim() !== ''));
      const r = await post('/api/v1/channels', body);
      endCard();
      // The secrets leave the form as soon as the server has them.
      drawFields();
      toast(`Connected ${r.name}`);
      const heading = h('h3', { tabindex: '-1' }, `Connected ${r.name}`);
      if (r.login_available) {
        const card = loginCard(base, r.name, { heading: `Link ${r.name}` });
        stopCard = card.stop;
        shown.add(r.name);
        clear(result, card.el);
      } else if (r.webhook_url) {
        clear(result, h('article', { class: 'card' }, heading, webhookSteps(body.kind, r)));
      } else {
        clear(result, h('article', { class: 'card' }, heading, h('p', {}, 'Send the bot a message to try it.')));
      }
      await onConnected();
      result.querySelector('h3')?.focus();
    },
  });
  return {
    el: h('div', {}, el, result),
    shown,
    /** The channel list changed: a number shown here that is gone (disconnected) leaves with its card. */
    sync(names) {
      if ([...shown].some((n) => !names.includes(n))) {
        endCard();
        clear(result);
      }
    },
  };
}
