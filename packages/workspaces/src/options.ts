import { z } from 'zod';
import { MAX_PASSWORD } from './passwords.js';
import { phoneSchema } from './phone.js';

const MINUTE = 60_000;
const ms = (def: number, min: number) => z.number().int().min(min).default(def);
const secret = z.string().min(32, 'expected at least 32 characters');

export const workspacesOptions = z.strictObject({
  /** The channel instance (tenant-less, e.g. a WhatsApp number of the operator) that sends codes. */
  systemChannel: z.string().min(1).optional(),
  /** With no channel able to deliver a code, print it in the host's log instead of refusing (503). */
  logCodes: z.boolean().default(true),
  /** `open`: anyone may create a workspace; `closed`: sign-up answers 403 (existing accounts still sign in). */
  signup: z.enum(['open', 'closed']).default('open'),
  /** The host's secret key: JWT and digest keys are derived from it with HKDF-SHA256. */
  secretKey: secret.optional(),
  /** Explicit JWT secrets, overriding the derived ones. */
  jwt: z.strictObject({ tenantSecret: secret.optional(), masterSecret: secret.optional() }).default({}),
  /**
   * Owners of workspaces that exist without a sign-up (the host config's own tenants):
   * `{ [tenantId]: phone }` or `{ [tenantId]: { phone, name } }`. At boot each gets its workspace
   * record and an owner account without a password, set with "forgot password".
   */
  owners: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a tenant id'),
      z
        .union([
          phoneSchema,
          z.strictObject({ phone: phoneSchema, name: z.string().trim().min(1).max(100).optional() }),
        ])
        .transform((o) => (typeof o === 'string' ? { phone: o } : o)),
    )
    .default({})
    .superRefine((owners, ctx) => {
      const seen = new Map<string, string>();
      for (const [tenant, { phone }] of Object.entries(owners)) {
        const first = seen.get(phone);
        if (first === undefined) seen.set(phone, tenant);
        else
          ctx.addIssue({
            code: 'custom',
            path: [tenant],
            message: `the same phone already owns "${first}"; a phone holds one account in the installation`,
          });
      }
    }),
  /** The installation's master admin; `password` may be `${ENV_VAR}`. */
  master: z
    .strictObject({
      phone: z.string().min(8),
      password: z.string().min(1).max(MAX_PASSWORD),
    })
    .optional(),
  accessTtlMs: ms(15 * MINUTE, MINUTE),
  refreshTtlMs: ms(30 * 24 * 60 * MINUTE, 60 * MINUTE),
  masterTtlMs: ms(8 * 60 * MINUTE, 5 * MINUTE),
  secureCookies: z.enum(['auto', 'always', 'never']).default('auto'),
  otp: z
    .strictObject({
      ttlMs: ms(5 * MINUTE, MINUTE),
      maxAttempts: z.number().int().min(1).max(10).default(5),
      resendMs: ms(MINUTE, 10_000),
      dailyCap: z.number().int().min(1).default(10),
      /** Code requests one client address may make per hour. */
      perIpHourly: z.number().int().min(1).default(30),
    })
    .default({ ttlMs: 5 * MINUTE, maxAttempts: 5, resendMs: MINUTE, dailyCap: 10, perIpHourly: 30 }),
  login: z
    .strictObject({
      /** Failed sign-ins one phone may have per window. */
      perPhone: z.number().int().min(1).default(5),
      /** Sign-in attempts (any outcome) one client address may make per window. */
      perIp: z.number().int().min(1).default(30),
      windowMs: ms(15 * MINUTE, MINUTE),
    })
    .default({ perPhone: 5, perIp: 30, windowMs: 15 * MINUTE }),
  /** scrypt cost: N = 2^logN (memory 128·N·r bytes). */
  scrypt: z
    .strictObject({
      logN: z.number().int().min(14).max(20).default(15),
      r: z.number().int().min(8).max(16).default(8),
      p: z.number().int().min(1).max(4).default(1),
    })
    .default({ logN: 15, r: 8, p: 1 }),
  /** Names the product in the messages sent to phones. */
  appName: z.string().min(1).max(40).default('smmbot'),
  /** The dashboard's sign-in page, added to the credentials sent to new staff. */
  loginUrl: z.url().optional(),
});

export type WorkspacesOptions = z.output<typeof workspacesOptions>;
