import { z } from 'zod';

/** E.164 allows at most 15 digits; fewer than 8 is no international mobile number. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

/** `+880 1711-000000` → `8801711000000`; undefined when it is not an international phone number. */
export function normalizePhone(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.startsWith('0')) return undefined;
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS ? digits : undefined;
}

/** A phone in a request body: any usual spelling in, E.164 digits (no `+`) out. */
export const phoneSchema = z
  .string({ error: 'expected a phone number' })
  .max(32, 'expected a phone number')
  .transform((raw, ctx) => {
    const digits = normalizePhone(raw);
    if (digits) return digits;
    ctx.addIssue({ code: 'custom', message: 'expected a phone number in international form, e.g. +8801711000000' });
    return z.NEVER;
  });

/** For logs: the country prefix and the last two digits, `880•••••••00`; never the whole number. */
export function maskPhone(digits: string): string {
  if (digits.length < 6) return '•'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'•'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}
