import { post } from '../api.js';
import { authCard, authLinks, PHONE_HELP } from '../auth-card.js';
import { field, form } from '../ui.js';

/** Log in with phone + password (POST /api/v1/auth/login/phone); the session comes back as HttpOnly cookies. */
export default function login(main, { base, navigate }) {
  authCard(
    main,
    'Log in',
    'Use the phone number and password of your workspace account.',
    form({
      label: 'Log in',
      submit: 'Log in',
      fields: [
        field({
          label: 'Phone number',
          name: 'phone',
          kind: 'tel',
          required: true,
          autocomplete: 'tel',
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
      onSubmit: async ({ phone, password }) => {
        await post('/api/v1/auth/login/phone', { phone, password });
        navigate('/');
      },
    }),
    authLinks(base, ['/signup', 'Create a workspace'], ['/forgot', 'Forgot password?'], ['/master', 'Master admin']),
  );
}
