import { type HttpRoute, httpError } from '@smmbot/core';
import { z } from 'zod';
import type { TelegramChannel } from './channel.js';

/** The minimum an update must have; everything else is passed through to telegraf. */
const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** `POST <path>`: Telegram's webhook. Checks the secret header when one is set, then runs the update. */
export function telegramWebhookRoute(
  channel: TelegramChannel,
  path: string,
  plugin: string,
  secretToken?: string,
): HttpRoute {
  return {
    method: 'POST',
    path,
    plugin,
    async handler(request) {
      if (secretToken !== undefined) {
        const got = request.headers['x-telegram-bot-api-secret-token'];
        if ((Array.isArray(got) ? got[0] : got) !== secretToken) {
          return httpError(401, 'E_UNAUTHORIZED', 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
        }
      }
      const parsed = updateShape.safeParse(request.body);
      if (!parsed.success) {
        return httpError(
          400,
          'E_BAD_REQUEST',
          'not a Telegram update',
          parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
        );
      }
      await channel.handleUpdate(parsed.data);
      return { status: 200, body: {} };
    },
  };
}
