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

const notServed = () => httpError(404, 'E_NOT_FOUND', 'no web chat here: the workspace does not exist');

/**
 * The web chat's routes: the page, the JSON endpoint, and polling for later messages. `channelOf`
 * picks the channel from the request (one fixed channel, or one per workspace under `/w/:tenant`).
 */
export function webchatRoutes(
  channelOf: WebchatChannel | ((params: Record<string, string>) => WebchatChannel | undefined),
  basePath: string,
  plugin: string,
): HttpRoute[] {
  const pick = typeof channelOf === 'function' ? channelOf : () => channelOf;
  const pageBase = (params: Record<string, string>) => basePath.replace(/:(\w+)/g, (_m, k: string) => params[k] ?? '');
  return [
    {
      method: 'GET',
      path: basePath,
      plugin,
      auth: { kind: 'public' },
      schema: { summary: 'The web chat page', tags: ['web chat'] },
      handler: (req) =>
        pick(req.params)
          ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: CHAT_PAGE(pageBase(req.params)) }
          : notServed(),
    },
    {
      method: 'POST',
      path: `${basePath}/messages`,
      plugin,
      auth: { kind: 'public' },
      schema: { summary: 'Send a message to the bot and get its replies', tags: ['web chat'], body: postSchema },
      async handler(req) {
        const channel = pick(req.params);
        if (!channel) return notServed();
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
      auth: { kind: 'public' },
      schema: { summary: 'Messages of a chat after a time (polling)', tags: ['web chat'], query: pollSchema },
      handler(req) {
        const channel = pick(req.params);
        if (!channel) return notServed();
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
