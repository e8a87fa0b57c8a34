import { post } from '../api.js';
import { authCard, authLinks, PHONE_HELP } from '../auth-card.js';
import { act, button, clear, field, form, h } from '../ui.js';

/**
 * Sign up: phone → a one-time code on WhatsApp (POST /api/v1/auth/phone/send) → code + password
 * (POST /api/v1/auth/phone/verify), which creates the workspace with this phone as its owner.
 */
export default function signup(main, { base, navigate }) {
  const step = h('div', { class: 'steps' });
  const askPhone = () =>
    clear(
      step,
      form({
        label: 'Sign up, step 1 of 2',
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
          field({
            label: 'Workspace name',
            name: 'workspaceName',
            autocomplete: 'organization',
            help: 'Optional: your panel or company name',
          }),
        ],
        onSubmit: async ({ phone, workspaceName }) => {
          await post('/api/v1/auth/phone/send', { phone });
          askCode(phone, workspaceName);
        },
      }),
    );
  const askCode = (phone, workspaceName) => {
    const resend = button('Send the code again', (e) =>
      act(e.currentTarget, () => post('/api/v1/auth/phone/send', { phone }), 'A new code is on its way.'),
    );
    clear(
      step,
      h('p', { role: 'status' }, `We sent a 6-digit code to ${phone} on WhatsApp.`),
      form({
        label: 'Sign up, step 2 of 2',
        submit: 'Create workspace',
        extra: resend,
        fields: [
          field({ label: 'Code', name: 'otp', required: true, autocomplete: 'one-time-code', placeholder: '123456' }),
          field({
            label: 'Password',
            name: 'password',
            kind: 'password',
            required: true,
            autocomplete: 'new-password',
            help: 'At least 8 characters',
          }),
          field({
            label: 'Repeat password',
            name: 'repeat',
            kind: 'password',
            required: true,
            autocomplete: 'new-password',
          }),
        ],
        onSubmit: async ({ otp, password, repeat }) => {
          if (password !== repeat) throw new Error('The two passwords differ.');
          await post('/api/v1/auth/phone/verify', {
            phone,
            otp: otp.trim(),
            password,
            ...(workspaceName ? { workspaceName } : {}),
          });
          navigate('/');
        },
      }),
      button('Use another number', askPhone, { class: 'link' }),
    );
    step.querySelector('input')?.focus();
  };
  askPhone();
  authCard(
    main,
    'Create your workspace',
    'Sign up with your WhatsApp number: no email needed.',
    step,
    authLinks(base, ['/login', 'I already have an account']),
  );
}
