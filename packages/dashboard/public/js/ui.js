// Small DOM helpers. Text always goes in as text nodes: nothing from the server is parsed as HTML.

/** h('button', { class: 'primary', onclick: fn, 'aria-label': 'x' }, 'Save') */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'value' && 'value' in el) el.value = String(value);
    else if (key === 'checked' || key === 'selected' || key === 'disabled') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let seq = 0;
export const uid = (prefix = 'f') => `${prefix}-${++seq}`;

/** A labelled control. kind: text | password | tel | number | url | textarea | select | checkbox | search | date */
export function field({
  label,
  name,
  kind = 'text',
  value,
  options,
  help,
  required,
  autocomplete,
  placeholder,
  min,
  max,
}) {
  const id = uid(name ?? 'f');
  const helpId = help ? `${id}-help` : undefined;
  const common = { id, name, required, autocomplete, placeholder, 'aria-describedby': helpId };
  let control;
  if (kind === 'textarea') control = h('textarea', { ...common, rows: 4 }, value ?? '');
  else if (kind === 'select') {
    control = h(
      'select',
      common,
      (options ?? []).map((o) => {
        const [v, text] = Array.isArray(o) ? o : [o, o];
        return h('option', { value: v, selected: String(v) === String(value) }, text);
      }),
    );
  } else if (kind === 'checkbox') control = h('input', { ...common, type: 'checkbox', checked: Boolean(value) });
  else
    control = h('input', {
      ...common,
      type: kind,
      value: value ?? '',
      min,
      max,
      inputmode: kind === 'tel' ? 'tel' : undefined,
    });
  const wrap = h('div', { class: kind === 'checkbox' ? 'field check' : 'field' });
  const labelEl = h('label', { for: id }, label);
  if (kind === 'checkbox') wrap.append(control, labelEl);
  else wrap.append(labelEl, control);
  if (help) wrap.append(h('small', { id: helpId, class: 'help' }, help));
  return wrap;
}

/** The values of a form's named controls (checkboxes as booleans). */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return out;
}

/** A form whose submit runs `onSubmit(values)`; errors show in an alert region, the button is busy meanwhile. */
export function form({ fields, submit, onSubmit, label, extra }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, submit);
  const el = h(
    'form',
    { 'aria-label': label, novalidate: false },
    fields,
    error,
    h('div', { class: 'actions' }, button, extra),
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    button.disabled = true;
    el.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values(el), el);
    } catch (err) {
      error.textContent = messageOf(err);
    } finally {
      button.disabled = false;
      el.removeAttribute('aria-busy');
    }
  });
  return el;
}

export function messageOf(err) {
  const issues = err?.issues?.length ? ` (${err.issues.join('; ')})` : '';
  return `${err?.message ?? String(err)}${issues}`;
}

export function toast(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), 5000);
}

/** Runs an action from a button: busy while it runs, a toast with the outcome. */
export async function act(button, fn, done) {
  button.disabled = true;
  try {
    await fn();
    if (done) toast(done);
  } catch (err) {
    toast(messageOf(err), 'bad');
  } finally {
    button.disabled = false;
  }
}

export function button(text, onclick, props = {}) {
  return h('button', { type: 'button', ...props, onclick }, text);
}

/**
 * A table: columns [{ label, key | render(row) }]. With `select`, a checkbox per row
 * (`select.keyOf(row)`), and `select.changed(ids)` on every change.
 */
export function table({ columns, rows, empty = 'Nothing here yet.', caption, select }) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  const chosen = new Set();
  const boxes = [];
  const head = columns.map((c) => h('th', { scope: 'col' }, c.label));
  if (select) {
    const all = h('input', {
      type: 'checkbox',
      'aria-label': 'Select all rows',
      onchange: () => {
        for (const b of boxes) {
          b.checked = all.checked;
          b.dispatchEvent(new Event('change'));
        }
      },
    });
    head.unshift(h('th', { scope: 'col' }, all));
  }
  const body = rows.map((row) => {
    const cells = columns.map((c) => h('td', { 'data-label': c.label }, c.render ? c.render(row) : fmt(row[c.key])));
    if (select) {
      const key = select.keyOf(row);
      const box = h('input', {
        type: 'checkbox',
        'aria-label': `Select ${key}`,
        'data-key': key,
        onchange: () => {
          if (box.checked) chosen.add(key);
          else chosen.delete(key);
          select.changed([...chosen]);
        },
      });
      boxes.push(box);
      cells.unshift(h('td', {}, box));
    }
    return h('tr', {}, cells);
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, caption ? h('caption', {}, caption) : null, h('thead', {}, h('tr', {}, head)), h('tbody', {}, body)),
  );
}

export function fmt(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function fmtTime(value) {
  if (value === null || value === undefined || value === '' || value === 0) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** Tabs with the ARIA tab pattern (arrow keys move between tabs). */
export function tabs(items, onSelect, selected = items[0]?.id) {
  const panelId = uid('tabpanel');
  const list = h('div', { role: 'tablist', class: 'tabs' });
  const panel = h('div', { role: 'tabpanel', class: 'tabpanel', tabindex: '0', id: panelId });
  const buttons = items.map((item) =>
    h(
      'button',
      { type: 'button', role: 'tab', id: `tab-${item.id}`, 'aria-controls': panelId, onclick: () => choose(item.id) },
      item.title,
    ),
  );
  const choose = (id) => {
    for (const [i, b] of buttons.entries()) {
      const on = items[i].id === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) panel.setAttribute('aria-labelledby', b.id);
    }
    onSelect(id, clear(panel));
  };
  list.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = buttons[(i + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
    next.focus();
    next.click();
  });
  list.append(...buttons);
  queueMicrotask(() => choose(selected));
  return h('div', {}, list, panel);
}

/** "Page 2 of 7" with previous / next buttons. */
export function pager({ page, limit, total, capped = false, onPage }) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const count = capped ? `${total.toLocaleString('en')}+` : String(total);
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    button('Previous', () => onPage(page - 1), { disabled: page <= 1 }),
    h('span', {}, `Page ${page} of ${capped ? `${pages}+` : pages} · ${count} in all`),
    button('Next', () => onPage(page + 1), { disabled: !capped && page >= pages }),
  );
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}
