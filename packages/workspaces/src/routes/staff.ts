import type { HttpRequest, HttpResponse, HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { caller, errors, guarded } from '../http-util.js';
import { phoneSchema } from '../phone.js';
import type { AdminNumber, StaffFlows } from '../staff.js';
import { codeSentSchema, isoTime, otpSchema, phoneBody, userSchema } from './schemas.js';

const TAGS = ['admin-numbers'];
/** Owner only (spec "Roles & Access": Dashboard — Admin & Staff), through core's permission table. */
const AUTH = { kind: 'session', permission: 'dashboard.staff' } as const;
const NO_STORE = { 'cache-control': 'no-store' };
const ok = (body: unknown, status = 200): HttpResponse => ({ status, headers: NO_STORE, body });

const view = (n: AdminNumber) => ({ ...n, createdAt: isoTime(n.createdAt)!, lastLoginAt: isoTime(n.lastLoginAt) });

/** Admin & staff numbers: the two-step OTP-verified flow, the list, and removal. */
export function staffRoutes(plugin: string, flows: StaffFlows): HttpRoute[] {
  const body = <T>(req: HttpRequest) => req.body as T;
  return [
    {
      method: 'GET',
      path: '/api/v1/admin-numbers',
      plugin,
      auth: AUTH,
      schema: {
        summary: "The workspace's owner, admin and staff numbers",
        tags: TAGS,
        response: { 200: z.object({ items: z.array(userSchema) }), ...errors(401, 403) },
      },
      handler: guarded(async (req) => ok({ items: (await flows.list(caller(req))).map(view) })),
    },
    {
      method: 'POST',
      path: '/api/v1/admin-numbers/send-code',
      plugin,
      auth: AUTH,
      schema: {
        summary: 'Add a number, step 1: send a 6-digit code to it over WhatsApp',
        tags: TAGS,
        body: phoneBody,
        response: { 200: codeSentSchema, ...errors(400, 401, 403, 409, 429, 503) },
      },
      handler: guarded(async (req) => ok(await flows.sendCode(req, caller(req), body<{ phone: string }>(req).phone))),
    },
    {
      method: 'POST',
      path: '/api/v1/admin-numbers/verify',
      plugin,
      auth: AUTH,
      schema: {
        summary: 'Add a number, step 2: check the code, create the account, send its password to that number',
        tags: TAGS,
        body: z.strictObject({ phone: phoneSchema, code: otpSchema, role: z.enum(['staff', 'staff_admin']) }),
        response: {
          201: userSchema.extend({ credentials: z.enum(['sent', 'not_sent']) }),
          ...errors(400, 401, 403, 409, 429),
        },
      },
      handler: guarded(async (req) => {
        const input = body<{ phone: string; code: string; role: 'staff' | 'staff_admin' }>(req);
        const added = await flows.verify(caller(req), input);
        return ok(view(added), 201);
      }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/admin-numbers/:id',
      plugin,
      auth: AUTH,
      schema: {
        summary: 'Remove an admin or staff number (its sessions end)',
        tags: TAGS,
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: z.object({ removed: z.literal(true) }), ...errors(401, 403, 404) },
      },
      handler: guarded(async (req) => {
        await flows.remove(caller(req), req.params.id!);
        return ok({ removed: true });
      }),
    },
  ];
}
