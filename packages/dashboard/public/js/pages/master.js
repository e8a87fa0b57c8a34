import { ApiError, get, post } from '../api.js';
import { authCard, PHONE_HELP } from '../auth-card.js';
import { healthTab, invoicesTab, plansTab, referencesTab, workspacesTab } from '../master-views.js';
import { button, field, form, h, messageOf, tabs } from '../ui.js';

const TABS = [
  { id: 'workspaces', title: 'Workspaces', draw: workspacesTab },
  { id: 'plans', title: 'Plans', draw: plansTab },
  { id: 'references', title: 'Payment references', draw: referencesTab },
  { id: 'invoices', title: 'Invoices', draw: invoicesTab },
  { id: 'health', title: 'Health', draw: healthTab },
];

async function signedIn() {
  try {
    await get('/api/v1/master/workspaces', { limit: 1 });
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return false;
    throw err;
  }
}

/** The installation's master admin (its own sign-in and cookie): workspaces, plans, payments, health. */
export default async function master(main, { navigate }) {
  if (!(await signedIn())) {
    authCard(
      main,
      'Master admin',
      'The installation’s administrator: not a workspace account.',
      form({
        label: 'Master admin sign-in',
        submit: 'Log in',
        fields: [
          field({
            label: 'Phone number',
            name: 'phone',
            kind: 'tel',
            required: true,
            autocomplete: 'username',
            help: PHONE_HELP,
          }),
          field({
            label: 'Password',
            name: 'password',
            kind: 'password',
            required: true,
            autocomplete: 'current-password',
          }),
        ],
        onSubmit: async (v) => {
          await post('/api/v1/master/auth/login', v);
          navigate('/master', { replace: true });
        },
      }),
    );
    return;
  }
  main.append(
    h(
      'header',
      { class: 'topbar' },
      h('strong', { class: 'brand' }, 'smmbot master admin'),
      button('Log out', async () => {
        await post('/api/v1/master/auth/logout').catch(() => undefined);
        navigate('/master', { replace: true });
      }),
    ),
    h('h1', { tabindex: '-1' }, 'Master admin'),
    tabs(TABS, (id, panel) => {
      const tab = TABS.find((t) => t.id === id);
      tab.draw(panel).catch((err) => panel.append(h('p', { class: 'error', role: 'alert' }, messageOf(err))));
    }),
  );
}
