import { z } from 'zod';

/** The owner's short name; the channel is registered as `<workspace>.<name>`. */
const shortName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, '1-40 characters a-z, 0-9 and -, starting with a letter or digit');

/** A token the owner pastes into the vendor's console: printable, no spaces (it travels in a header or query). */
const setupToken = z.string().regex(/^[\x21-\x7e]{8,200}$/, '8-200 printable characters without spaces');

const sealed = 'never returned; stored sealed';

export const connectBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('telegram'),
    token: z
      .string()
      .regex(/^\d{1,20}:[\w-]{1,200}$/, 'a bot token from @BotFather, like 123456789:AAH...')
      .describe(sealed),
    name: shortName.optional().describe('default: tg-<bot id>'),
  }),
  z.strictObject({
    kind: z.literal('whatsapp'),
    name: shortName.optional().describe('default: wa-<random>'),
    pairing_phone: z
      .string()
      .transform((s) => s.replace(/[\s+()-]/g, ''))
      .pipe(z.string().regex(/^\d{7,15}$/, 'digits with country code, e.g. 79001234567'))
      .optional()
      .describe('log in with a pairing code for this number instead of a QR scan'),
  }),
  z.strictObject({
    kind: z.literal('whatsapp-cloud'),
    name: shortName.optional().describe('default: wac-<phone number id>'),
    phone_number_id: z
      .string()
      .regex(/^\d{1,30}$/, "the numeric phone number id from Meta's WhatsApp Manager")
      .describe('the business phone number id (not the phone number)'),
    access_token: z.string().min(1).max(2000).describe(`system-user token with whatsapp_business_messaging; ${sealed}`),
    app_secret: z.string().min(1).max(200).describe(`the Meta app's App Secret (webhook signatures); ${sealed}`),
    verify_token: setupToken
      .optional()
      .describe("the Verify token for Meta's webhook settings; generated when absent; stored sealed"),
    graph_base_url: z
      .url()
      .optional()
      .describe('Graph API base, versioned (default https://graph.facebook.com/v21.0); only hosts the server allows'),
  }),
  z.strictObject({
    kind: z.literal('greenapi'),
    name: shortName.optional().describe('default: green-<instance id>'),
    id_instance: z
      .union([z.string().regex(/^\d{1,20}$/, 'the numeric instance id'), z.number().int().positive()])
      .transform(String)
      .describe('the instance id from the Green API console'),
    api_token_instance: z.string().min(1).max(500).describe(`the instance's API token; ${sealed}`),
    api_url: z
      .url()
      .optional()
      .describe("the instance's API host (default https://api.green-api.com); only hosts the server allows"),
    webhook_token: setupToken
      .optional()
      .describe("the instance's webhookUrlToken (sent back as Authorization: Bearer); generated when absent"),
  }),
]);

export type ConnectBody = z.output<typeof connectBody>;

export const connectedResponse = z.object({
  name: z.string().describe('the channel name: GET /channels/:name/login, DELETE /channels/:name'),
  kind: z.string(),
  login_available: z.boolean(),
  link: z
    .object({
      state: z.enum(['connected', 'connecting', 'disconnected', 'logged_out', 'banned']),
      reason: z.string().nullable(),
      code: z.number().nullable(),
    })
    .nullable(),
  webhook_url: z
    .string()
    .optional()
    .describe(
      "whatsapp-cloud and greenapi: the webhook path, relative to this server's public URL (e.g. https://bot.example.com + this); give it to Meta / Green API",
    ),
  verify_token: z
    .string()
    .optional()
    .describe(
      "whatsapp-cloud: paste into Meta's webhook settings as the Verify token. Returned once, in this answer only",
    ),
  webhook_token: z
    .string()
    .optional()
    .describe(
      "greenapi: set as the instance's webhookUrlToken in the Green API console. Returned once, in this answer only",
    ),
});
