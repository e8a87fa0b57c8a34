import { get, patch, post } from '../api.js';
import { act, button, clear, field, fmt, form, h, section, tabs, toast } from '../ui.js';

const TABS = [
  { id: 'panel', title: 'Panel' },
  { id: 'general', title: 'General' },
  { id: 'marketing', title: 'Marketing' },
];

/** UTC-12 … UTC+14: the scheduler takes UTC offsets only (spec: no IANA names). */
const OFFSETS = Array.from({ length: 27 }, (_, i) => i - 12).map((n) =>
  n === 0 ? 'UTC' : `UTC${n > 0 ? '+' : ''}${n}`,
);

const label = (key) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The control of one bot_config key, from its kind (GET /api/v1/config says it). */
function control(item) {
  const common = { label: label(item.key), name: item.key, help: item.description };
  if (item.secret) {
    return field({
      ...common,
      kind: 'password',
      autocomplete: 'off',
      placeholder: item.is_set ? 'set: leave empty to keep it' : 'not set',
    });
  }
  if (item.kind === 'boolean') return field({ ...common, kind: 'checkbox', value: item.value === true });
  if (item.kind === 'integer') return field({ ...common, kind: 'number', value: item.value });
  if (item.kind === 'enum')
    return field({ ...common, kind: 'select', value: item.value, options: item.allowed_values ?? [] });
  if (item.kind === 'timezone') {
    const options = OFFSETS.includes(item.value) ? OFFSETS : [item.value, ...OFFSETS];
    return field({ ...common, kind: 'select', value: item.value, options });
  }
  return field({ ...common, kind: item.kind === 'url' ? 'url' : 'text', value: item.value ?? '' });
}

/** What changed in the form, as PATCH bodies: secrets only when typed, an emptied optional text resets. */
function changes(items, values) {
  const out = [];
  for (const item of items) {
    const raw = values[item.key];
    if (item.secret) {
      if (raw) out.push({ key: item.key, value: raw });
    } else if (item.kind === 'boolean') {
      if (raw !== item.value) out.push({ key: item.key, value: raw });
    } else if (String(raw ?? '') !== String(item.value ?? '')) {
      out.push({ key: item.key, value: raw === '' ? null : item.kind === 'integer' ? Number(raw) : raw });
    }
  }
  return out;
}

function panelCheck() {
  const result = h('div', { class: 'check', 'aria-live': 'polite' });
  const run = button(
    'Validate panel',
    (e) =>
      act(e.currentTarget, async () => {
        const r = await post('/api/v1/config/validate-panel');
        const state = r.reachable ? (r.key_valid === false ? 'bad' : 'ok') : 'bad';
        clear(
          result,
          h(
            'p',
            { class: `badge ${state}`, 'data-reachable': String(r.reachable) },
            r.reachable ? 'Panel reachable' : 'Panel not reachable',
          ),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, 'Panel'),
            h('dd', {}, fmt(r.panel)),
            h('dt', {}, 'API key'),
            h('dd', {}, r.key_valid === null ? 'unknown' : r.key_valid ? 'accepted' : 'refused'),
            h('dt', {}, 'Capabilities'),
            h('dd', {}, fmt(r.capabilities)),
          ),
          r.error ? h('p', { class: 'error' }, `${r.error.kind}: ${r.error.message}`) : null,
          r.checks?.length
            ? h(
                'ul',
                { class: 'plain' },
                r.checks.map((c) => h('li', {}, `${c.capability}: ${c.status} — ${c.detail}`)),
              )
            : null,
        );
      }),
    { class: 'primary' },
  );
  return section(
    'Connection',
    h('p', { class: 'muted' }, 'Checks that the panel answers and accepts the admin API key.'),
    run,
    result,
  );
}

function webhookInfo() {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  get('/api/v1/config/ticket-webhook-info').then(
    (w) =>
      clear(
        box,
        h('p', {}, w.note),
        h(
          'p',
          {},
          `Ticket AI: ${w.ticket_ai_enabled ? 'on' : 'off'} · subject "${w.poll_subject}" · every ${w.poll_interval_seconds} s`,
        ),
        button('New webhook key', (e) =>
          act(e.currentTarget, async () => {
            const r = await post('/api/v1/config/regenerate-webhook-key');
            box.append(h('p', { class: 'secret' }, `New key (shown once): ${r.key}`));
          }),
        ),
      ),
    (err) => clear(box, h('p', { class: 'error' }, err.message)),
  );
  return section('Panel tickets', box);
}

/** Bot Settings: the bot_config keys on three tabs, saved key by key (PATCH /api/v1/config), and the panel check. */
export default async function settings(main) {
  let { items } = await get('/api/v1/config');
  const draw = (tab, panel) => {
    const mine = items.filter((i) => i.tab === tab);
    const settingsForm = form({
      label: `${tab} settings`,
      submit: 'Save',
      fields: mine.map(control),
      onSubmit: async (values) => {
        const todo = changes(mine, values);
        for (const body of todo) {
          const { item } = await patch('/api/v1/config', body);
          items = items.map((i) => (i.key === item.key ? item : i));
        }
        toast(todo.length ? `Saved ${todo.map((t) => t.key).join(', ')}` : 'Nothing changed');
        draw(tab, clear(panel));
      },
    });
    if (tab === 'panel') panel.append(panelCheck());
    panel.append(section('Settings', settingsForm));
    if (tab === 'panel') panel.append(webhookInfo());
  };
  main.append(tabs(TABS, draw));
}
