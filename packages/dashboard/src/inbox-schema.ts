import { z } from 'zod';

/** The one JSON error shape (core's `httpError`), for the OpenAPI document. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }),
});

export const errorResponses = (...statuses: number[]): Record<number, z.ZodType> =>
  Object.fromEntries(statuses.map((s) => [s, errorSchema]));

/** An inbox message as the inbox routes and the stream send it (`InboxMessage`). */
export const inboxMessageSchema = z.object({
  id: z.string().describe('the turn id; `staff:<client_id>` for a message staff sent'),
  at: z.number().describe('epoch ms'),
  channel: z.string(),
  chatId: z.string(),
  chatKind: z.enum(['private', 'group']),
  chatTitle: z.string().optional(),
  senderId: z.string(),
  senderName: z.string().optional(),
  role: z.enum(['customer', 'staff', 'staff_admin', 'owner']),
  text: z.string(),
  command: z.string().optional(),
  status: z.enum(['answered', 'silent', 'dropped', 'duplicate', 'failed']),
  replies: z.array(z.string()).describe("the bot's answers to this message"),
  priority: z.boolean(),
  staff: z
    .object({
      userId: z.string(),
      phone: z.string().optional(),
      delivery: z.enum(['sent', 'queued']),
    })
    .optional()
    .describe('set when staff wrote this message from the dashboard'),
});

export const conversationSchema = z.object({
  key: z.string().describe('<channel>:<chatId>'),
  channel: z.string(),
  chatId: z.string(),
  chatKind: z.enum(['private', 'group']),
  title: z.string(),
  lastAt: z.number(),
  messages: z.array(inboxMessageSchema),
});

/** `POST /api/v1/inbox/reply`: what staff send to one chat of their workspace. */
export const replyBody = z.strictObject({
  channel: z.string().min(1).max(200).describe('the conversation’s channel (from the inbox)'),
  chat_id: z.string().min(1).max(300).describe('the conversation’s chat id (from the inbox)'),
  text: z.string().trim().min(1, 'write a message first').max(4000, 'at most 4000 characters'),
  client_id: z
    .string()
    .regex(/^[\w-]{8,100}$/, '8-100 characters: letters, digits, _ and - (a UUID, say)')
    .describe('made by the client once per message: a retry or double click with the same id sends once'),
});

export const replyResponse = z.object({
  message: inboxMessageSchema,
  duplicate: z.boolean().describe('true when this client_id was sent before: nothing was sent again'),
});
