import { z } from 'zod';
import { MATCH_TYPES, rulePatternProblem } from './auto-reply-rules.js';

/** Keys shorter than this are guessable; a `${ENV}` that was never set arrives as an empty string. */
export const MIN_KEY_LENGTH = 16;

const apiKey = z
  .string()
  .min(MIN_KEY_LENGTH, `API keys must be at least ${MIN_KEY_LENGTH} characters (is the environment variable set?)`);

export const templateSchema = z.strictObject({
  header: z.string().optional(),
  /** The token is appended to it: `https://pay.example.com/i/` + `abc123`. */
  paymentUrl: z.string().optional(),
  phones: z.union([z.string(), z.array(z.string())]).optional(),
  signature: z.string().optional(),
  /** Overrides the default body; placeholders: {header} {customerName} {url} {phones} {signature}. */
  body: z.string().min(1).optional(),
});
export type TemplateOptions = z.output<typeof templateSchema>;

export const webhookTargetSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** Signs each body: `X-Smmbot-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
  secret: z.string().min(1).optional(),
});
export type WebhookTarget = z.output<typeof webhookTargetSchema>;

export const ruleSchema = z
  .strictObject({
    match: z.enum(MATCH_TYPES),
    pattern: z.string().min(1),
    reply: z.string().trim().min(1).max(4096),
    /** Regex rules only: `i` for case-insensitive. Text rules always ignore case. */
    flags: z.enum(['', 'i']).optional(),
  })
  .superRefine((rule, ctx) => {
    const problem = rulePatternProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem, input: rule.pattern });
  });
export type AutoReplyRule = z.output<typeof ruleSchema>;

export const retrySchema = z.strictObject({
  /** Attempts in all, the first included; then the delivery is kept as `failed`. */
  maxAttempts: z.number().int().min(1).max(50).default(10),
  /** The delay after the first failure; doubled after each further one. */
  baseDelayMs: z.number().int().min(1).default(5_000),
  maxDelayMs: z
    .number()
    .int()
    .min(1)
    .default(30 * 60_000),
});

export const sendApiOptions = z.strictObject({
  /** Per tenant (company): one key or several (rotation); usually `${ENV}` in the config file. */
  keys: z.record(z.string(), z.union([apiKey, z.array(apiKey).min(1)])).default({}),
  /** Per tenant: the payment-reminder template. */
  templates: z.record(z.string(), templateSchema).default({}),
  /** Where customer replies go when the tenant has no webhook of its own. */
  webhook: webhookTargetSchema.optional(),
  webhooks: z.record(z.string(), webhookTargetSchema).default({}),
  /** Company rules declared in the config, checked before the stored ones of the same tenant. */
  autoReplies: z.record(z.string(), z.array(ruleSchema)).default({}),
  /** Checked after every company rule. */
  globalAutoReplies: z.array(ruleSchema).default([]),
  /** How long a WhatsApp number check may take before the request answers 503. */
  numberCheckTimeoutMs: z.number().int().min(100).default(10_000),
  webhookTimeoutMs: z.number().int().min(100).default(10_000),
  webhookRetry: retrySchema.default({ maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 }),
  /** The fetch the webhook uses; for tests (code only). */
  fetch: z
    .custom<typeof fetch>((v) => typeof v === 'function', { error: 'expected a fetch-compatible function' })
    .optional(),
});
export type SendApiOptions = z.output<typeof sendApiOptions>;
