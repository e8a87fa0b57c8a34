import { get, patch, post } from '../api.js';
import { act, button, clear, field, form, h, section, toast } from '../ui.js';

/**
 * One template as a closed <details>: its key, whether the workspace changed it, and the text it sends;
 * opened, a form to change it (only its own {variables}) or reset it to the default.
 */
function templateCard(t, replace) {
  const reset = button(
    'Reset to default',
    (e) =>
      act(
        e.currentTarget,
        async () => {
          const r = await post(`/api/v1/templates/${encodeURIComponent(t.key)}/reset`);
          replace(r.item);
        },
        `${t.key} reset`,
      ),
    { disabled: t.override === null },
  );
  const edit = form({
    label: `Template ${t.key}`,
    submit: 'Save',
    extra: reset,
    fields: [
      field({
        label: `Text of ${t.key}`,
        name: 'value',
        kind: 'textarea',
        value: t.override ?? t.default,
        help: t.vars.length ? `Variables: ${t.vars.map((v) => `{${v}}`).join(' ')}` : 'No variables',
      }),
    ],
    onSubmit: async ({ value }) => {
      replace(await patch(`/api/v1/templates/${encodeURIComponent(t.key)}`, { value }));
      toast(`${t.key} saved`);
    },
  });
  return h(
    'details',
    { class: 'card template', 'data-key': t.key },
    h(
      'summary',
      {},
      h('strong', {}, t.key),
      t.override !== null ? h('span', { class: 'badge ok' }, 'custom') : null,
      h('span', { class: 'clip preview' }, t.effective),
    ),
    edit,
  );
}

/** Templates: every reply text custom mode uses, found by key or text, each changed or reset on its own. */
export default async function templates(main) {
  let { items } = await get('/api/v1/templates');
  const list = h('div', { class: 'templates' });
  const filter = field({
    label: 'Find a template',
    name: 'find',
    kind: 'search',
    placeholder: 'refill, verification…',
  });
  const input = filter.querySelector('input');

  // A saved or reset template replaces its own card (kept open), so the list keeps its place.
  const mount = (t) => {
    const card = templateCard(t, (updated) => {
      items = items.map((i) => (i.key === updated.key ? updated : i));
      const next = mount(updated);
      next.open = true;
      card.replaceWith(next);
    });
    return card;
  };
  const draw = () => {
    const needle = input.value.trim().toLowerCase();
    const shown = items.filter((t) => !needle || t.key.includes(needle) || t.effective.toLowerCase().includes(needle));
    clear(list, shown.length ? null : h('p', { class: 'empty' }, 'No template matches.'), shown.map(mount));
  };

  input.addEventListener('input', draw);
  main.append(
    section(
      'Reply templates',
      h(
        'p',
        { class: 'muted' },
        'Used when the chat mode is Custom; an empty template falls back to the built-in text.',
      ),
      filter,
      h('p', { class: 'muted' }, `${items.length} templates · open one to change it`),
    ),
    list,
  );
  draw();
}
