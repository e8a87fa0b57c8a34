// The app shell: reads the boot data (core's permission table and the page list), asks who is signed in,
// draws the sidebar with only the pages that role may see, and routes with the History API.
import { ApiError, get, post } from './api.js';
import { button, clear, h, messageOf } from './ui.js';

const boot = JSON.parse(document.getElementById('boot').textContent);
const base = boot.basePath.replace(/\/$/, '');
const app = document.getElementById('app');
const PUBLIC = new Set(['signup', 'login', 'forgot']);

/** The same check the server makes: core's PERMISSIONS, inlined into the page. */
export const can = (role, permission) => (boot.permissions[permission] ?? []).includes(role);
export const pagesFor = (role) => boot.pages.filter((p) => can(role, p.permission));

let me;
let cleanups = [];

export function navigate(path, { replace = false } = {}) {
  const url = path.startsWith('/') ? `${base}${path}` : `${base}/${path}`;
  if (replace) history.replaceState({}, '', url);
  else history.pushState({}, '', url);
  void route();
}

/** Who is signed in: { user, workspace, role } (the shapes of GET /api/v1/auth/me), or undefined. */
async function whoAmI() {
  try {
    const data = await get('/api/v1/auth/me');
    const role = data.role ?? data.user?.role;
    return role ? { ...data, role } : undefined;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return undefined;
    throw err;
  }
}

function runCleanups() {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {}
  }
  cleanups = [];
}

async function route() {
  runCleanups();
  // Notes about the page being left go with it.
  document.getElementById('toasts').replaceChildren();
  const segments = location.pathname.slice(base.length).split('/').filter(Boolean);
  const [first = '', ...rest] = segments;
  app.classList.remove('loading');
  app.removeAttribute('aria-busy');
  try {
    if (first === 'master') return await show('master', rest, { master: true });
    if (PUBLIC.has(first)) return await show(first, rest, { shell: false });
    me = await whoAmI();
    if (!me) return navigate('/login', { replace: true });
    const allowed = pagesFor(me.role);
    if (!first) return navigate(`/${allowed[0]?.id ?? 'logs'}`, { replace: true });
    // A renamed page still opens from an old bookmark (`whatsapp` → `channels`).
    const renamed = boot.aliases?.[first];
    if (renamed) return navigate(`/${[renamed, ...rest].join('/')}`, { replace: true });
    const page = boot.pages.find((p) => p.id === first);
    if (!page) return shell(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, 'There is no such page.'));
    if (!can(me.role, page.permission)) {
      return shell(
        h('h1', { tabindex: '-1' }, page.title),
        h('p', { class: 'error', role: 'alert' }, `Your role (${me.role}) may not open ${page.title}.`),
      );
    }
    await show(page.id, rest, { title: page.title });
  } catch (err) {
    shell(
      h('h1', { tabindex: '-1' }, 'Something went wrong'),
      h('p', { class: 'error', role: 'alert' }, messageOf(err)),
    );
  }
}

/** Loads the page's module and lets it draw into the main region; it may return a cleanup function. */
async function show(id, rest, { shell: withShell = true, title, master = false } = {}) {
  const module = await import(`./pages/${id}.js`);
  const main = withShell && !master ? shell() : bare();
  const ctx = {
    me,
    base,
    rest,
    can: (permission) => Boolean(me && can(me.role, permission)),
    navigate,
    refreshMe: async () => {
      me = await whoAmI();
      return me;
    },
    onCleanup: (fn) => cleanups.push(fn),
  };
  if (title) main.append(h('h1', { tabindex: '-1' }, title));
  await module.default(main, ctx);
  document.title = `${title ?? main.querySelector('h1')?.textContent ?? 'smmbot'} · smmbot`;
  main.querySelector('h1')?.focus({ preventScroll: true });
}

function bare() {
  const main = h('main', { id: 'main', tabindex: '-1', class: 'bare' });
  clear(app, main);
  return main;
}

/** The signed-in layout: top bar, the role's sidebar, and the main region (returned). */
function shell(...children) {
  const current = location.pathname.slice(base.length).split('/')[1] ?? '';
  const nav = h(
    'nav',
    { id: 'sidebar', class: 'sidebar', 'aria-label': 'Pages' },
    h(
      'ul',
      {},
      pagesFor(me.role).map((p) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: `${base}/${p.id}`, 'data-link': '', 'aria-current': p.id === current ? 'page' : undefined },
            p.title,
          ),
        ),
      ),
    ),
  );
  const toggle = h(
    'button',
    { type: 'button', class: 'menu', 'aria-controls': 'sidebar', 'aria-expanded': 'false' },
    'Menu',
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  const workspace = me.workspace?.name ?? me.workspace_name ?? 'Workspace';
  const header = h(
    'header',
    { class: 'topbar' },
    toggle,
    h('strong', { class: 'brand' }, 'smmbot'),
    h('span', { class: 'who' }, `${workspace} · ${me.user?.phone ?? me.phone ?? ''} · ${me.role}`),
    me.workspace?.id
      ? h(
          'a',
          {
            class: 'chat-link',
            href: `/w/${encodeURIComponent(me.workspace.id)}/chat`,
            target: '_blank',
            rel: 'noopener',
          },
          'Web chat',
        )
      : null,
    button('Log out', async () => {
      await post('/api/v1/auth/logout').catch(() => undefined);
      me = undefined;
      navigate('/login');
    }),
  );
  const main = h('main', { id: 'main', tabindex: '-1' }, children);
  clear(app, header, h('div', { class: 'layout' }, nav, main));
  return main;
}

document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[data-link]');
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  e.preventDefault();
  navigate(a.getAttribute('href').slice(base.length));
});
window.addEventListener('popstate', () => void route());
window.addEventListener('smmbot:signed-out', () => {
  if (!PUBLIC.has(location.pathname.slice(base.length).split('/')[1])) navigate('/login');
});
void route();
