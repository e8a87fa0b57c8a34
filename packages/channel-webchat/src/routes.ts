import { formatIssues, type HttpRoute, httpError } from '@smmbot/core';
import { z } from 'zod';
import type { WebchatChannel } from './channel.js';
import { CHAT_PAGE } from './page.js';

const postSchema = z.object({
  chatId: z.string().trim().min(1).max(200),
  senderId: z.string().trim().min(1).max(200),
  text: z.string().max(8000),
  messageId: z.string().trim().min(1).max(200).optional(),
  senderName: z.string().max(200).optional(),
  group: z.boolean().optional(),
});

const pollSchema = z.object({
  chatId: z.string().min(1).max(200),
  after: z.coerce.number().int().nonnegative().default(0),
});

/** The web chat's routes: the page, the JSON endpoint, and polling for later messages. */
export function webchatRoutes(channel: WebchatChannel, basePath: string, plugin: string): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: basePath,
      plugin,
      handler: () => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: CHAT_PAGE(basePath) }),
    },
    {
      method: 'POST',
      path: `${basePath}/messages`,
      plugin,
      async handler(req) {
        const parsed = postSchema.safeParse(req.body ?? {}, { reportInput: true });
        if (!parsed.success) {
          return httpError(
            400,
            'E_BAD_REQUEST',
            'expected { chatId, senderId, text }',
            formatIssues(parsed.error, 'body'),
          );
        }
        const result = await channel.ask(parsed.data);
        return {
          body: {
            turnId: result.turnId,
            status: result.status,
            replies: result.replies.map((r) => ({ text: r.text, template: r.template })),
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${basePath}/messages`,
      plugin,
      handler(req) {
        const parsed = pollSchema.safeParse(req.query, { reportInput: true });
        if (!parsed.success)
          return httpError(
            400,
            'E_BAD_REQUEST',
            'expected ?chatId=...&after=<ms>',
            formatIssues(parsed.error, 'query'),
          );
        return { body: { messages: channel.messages(parsed.data.chatId, parsed.data.after) } };
      },
    },
  ];
}
