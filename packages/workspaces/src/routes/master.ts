import type { HttpResponse, HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import type { Accounts } from '../accounts.js';
import type { AuthFlows } from '../auth-flows.js';
import { errors, guarded } from '../http-util.js';
import { phoneSchema } from '../phone.js';
import type { Sessions } from '../sessions.js';
import { anyPassword, isoTime } from './schemas.js';

const TAGS = ['master'];
const NO_STORE = { 'cache-control': 'no-store' };
const ok = (body: unknown, cookies?: string[]): HttpResponse => ({
  status: 200,
  headers: cookies ? { ...NO_STORE, 'set-cookie': cookies } : NO_STORE,
  body,
});

const workspaceRow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  ownerUserId: z.string(),
  ownerPhone: z.string(),
  createdAt: z.string(),
});

/** The master admin of the installation: sign in and out, and the list of workspaces. */
export function masterRoutes(
  plugin: string,
  deps: { flows: AuthFlows; sessions: Sessions; accounts: Accounts },
): HttpRoute[] {
  const { flows, sessions, accounts } = deps;
  return [
    {
      method: 'POST',
      path: '/api/v1/master/auth/login',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Master admin sign-in (its own cookie and signing key)',
        tags: TAGS,
        body: z.strictObject({ phone: phoneSchema, password: anyPassword }),
        response: { 200: z.object({ master: z.literal(true) }), ...errors(400, 401, 429) },
      },
      handler: guarded(async (req) => {
        const input = req.body as { phone: string; password: string };
        return ok({ master: true }, [await flows.masterLogin(req, input)]);
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/master/auth/logout',
      plugin,
      auth: { kind: 'public' },
      schema: { summary: 'Master admin sign-out', tags: TAGS, response: { 200: z.object({ ok: z.literal(true) }) } },
      handler: guarded(async (req) => ok({ ok: true }, [await sessions.endMaster(req)])),
    },
    {
      method: 'GET',
      path: '/api/v1/master/workspaces',
      plugin,
      auth: { kind: 'master' },
      schema: {
        summary: 'Every workspace with its owner phone and creation date, oldest first',
        tags: TAGS,
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(workspaceRow), total: z.number().int() }), ...errors(401, 403) },
      },
      handler: guarded(async (req) => {
        const { limit, offset } = req.query as unknown as { limit: number; offset: number };
        const page = await accounts.listWorkspaces({ limit, offset });
        const items = page.items.map((w) => ({
          id: w.id,
          name: w.name,
          status: w.status,
          ownerUserId: w.ownerUserId,
          ownerPhone: w.ownerPhone,
          createdAt: isoTime(w.createdAt)!,
        }));
        return ok({ items, total: page.total });
      }),
    },
  ];
}
