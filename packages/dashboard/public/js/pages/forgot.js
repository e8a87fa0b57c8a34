import { post } from '../api.js';
import { authCard, authLinks, PHONE_HELP } from '../auth-card.js';
import { clear, field, form, h } from '../ui.js';

/** Forgot password: a code on WhatsApp, then the code and a new password. */
export default function forgot(main, { base, navigate }) {
  const step = h('div', { class: 'steps' });
  clear(
    step,
    form({
      label: 'Reset password, step 1 of 2',
      submit: 'Send code',
      fields: [
        field({
          label: 'Phone number',
          name: 'phone',
          kind: 'tel',
          required: true,
          autocomplete: 'tel',
          help: PHONE_HELP,
        }),
      ],
      onSubmit: async ({ phone }) => {
        await post('/api/v1/auth/phone/forgot-password/send', { phone });
        clear(
          step,
          h('p', { role: 'status' }, `If ${phone} has an account, a code is on its way on WhatsApp.`),
          form({
            label: 'Reset password, step 2 of 2',
            submit: 'Set new password',
            fields: [
              field({ label: 'Code', name: 'otp', required: true, autocomplete: 'one-time-code' }),
              field({
                label: 'New password',
                name: 'new_password',
                kind: 'password',
                required: true,
                autocomplete: 'new-password',
              }),
            ],
            onSubmit: async ({ otp, new_password }) => {
              await post('/api/v1/auth/phone/forgot-password/reset', { phone, otp: otp.trim(), new_password });
              navigate('/login');
            },
          }),
        );
        step.querySelector('input')?.focus();
      },
    }),
  );
  authCard(main, 'Reset your password', null, step, authLinks(base, ['/login', 'Back to log in']));
}
