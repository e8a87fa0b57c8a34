import { z } from 'zod';

/**
 * The parts of a Cloud API webhook this channel reads. Unknown fields pass through (Meta adds
 * fields often); only what we rely on is required.
 */
const textSchema = z.object({ body: z.string() });

export const cloudMessageSchema = z.looseObject({
  /** The sender's phone number (wa_id). Absent for username users without a recent interaction (2026). */
  from: z.string().min(1).optional(),
  /** Business-scoped user id (BSUID), e.g. `BR.1502576394655843`. */
  user_id: z.string().min(1).optional(),
  from_user_id: z.string().min(1).optional(),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/).optional(),
  type: z.string(),
  text: textSchema.optional(),
  button: z.looseObject({ text: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      button_reply: z.looseObject({ title: z.string().optional() }).optional(),
      list_reply: z.looseObject({ title: z.string().optional() }).optional(),
    })
    .optional(),
  context: z.looseObject({ id: z.string().optional() }).optional(),
  /** Set on messages from the (Official Business Account only) Groups API; this channel ignores them. */
  group_id: z.string().optional(),
});

export const cloudContactSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});

export const cloudValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z
    .looseObject({
      display_phone_number: z.string().optional(),
      phone_number_id: z.string().optional(),
    })
    .optional(),
  contacts: z.array(cloudContactSchema).optional(),
  messages: z.array(cloudMessageSchema).optional(),
  statuses: z.array(z.looseObject({ id: z.string().optional(), status: z.string().optional() })).optional(),
});

export const cloudWebhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

export type CloudWebhook = z.output<typeof cloudWebhookSchema>;
export type CloudValue = z.output<typeof cloudValueSchema>;
export type CloudMessage = z.output<typeof cloudMessageSchema>;

/** Graph API error body: `{ error: { message, type, code, error_subcode, fbtrace_id } }`. */
export const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export const graphSendResponseSchema = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string() })).min(1),
});
