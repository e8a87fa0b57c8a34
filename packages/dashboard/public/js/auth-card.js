// The frame of the signed-out pages (sign up, log in, forgot password, master login).
import { h } from './ui.js';

export function authCard(main, title, intro, ...body) {
  const card = h(
    'div',
    { class: 'auth card' },
    h('p', { class: 'brand' }, 'smmbot'),
    h('h1', { tabindex: '-1' }, title),
  );
  if (intro) card.append(h('p', { class: 'muted' }, intro));
  card.append(...body);
  main.append(card);
  return card;
}

/** Links between the signed-out pages. */
export function authLinks(base, ...links) {
  return h(
    'p',
    { class: 'links' },
    links.map(([path, text]) => h('a', { href: `${base}${path}`, 'data-link': '' }, text)),
  );
}

export const PHONE_HELP = 'International form, e.g. +8801711000000';
