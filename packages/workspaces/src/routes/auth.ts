import type { HttpRequest, HttpResponse, HttpRoute, Logger } from '@smmbot/core';
import { z } from 'zod';
import type { Accounts } from '../accounts.js';
import type { AuthFlows } from '../auth-flows.js';
import { caller, errors, guarded, HttpFail } from '../http-util.js';
import { phoneSchema } from '../phone.js';
import type { Sessions } from '../sessions.js';
import {
  anyPassword,
  codeSentSchema,
  newPassword,
  otpSchema,
  permissionsOf,
  phoneBody,
  sessionSchema,
  userView,
  workspaceView,
} from './schemas.js';

export interface AuthRouteDeps {
  plugin: string;
  flows: AuthFlows;
  sessions: Sessions;
  accounts: Accounts;
  logger: Logger;
}

const TAGS = ['auth'];
const NO_STORE = { 'cache-control': 'no-store' };
const ok = (body: unknown, cookies?: string[], status = 200): HttpResponse => ({
  status,
  headers: cookies ? { ...NO_STORE, 'set-cookie': cookies } : NO_STORE,
  body,
});

/** The workspace auth routes of the spec's API reference ("Authentication — phone + password"). */
export function authRoutes(deps: AuthRouteDeps): HttpRoute[] {
  const { plugin, flows, sessions, accounts, logger } = deps;
  const me = async (tenant: string, userId: string) => {
    const user = await accounts.getUser(tenant, userId);
    if (!user) throw new HttpFail(401, 'E_UNAUTHENTICATED', 'sign in first (or the session expired)');
    const workspace = await accounts.getWorkspace(tenant);
    return {
      user: userView(user),
      workspace: workspace ? workspaceView(workspace) : null,
      permissions: permissionsOf(user.role),
    };
  };
  const body = <T>(req: HttpRequest) => req.body as T;

  return [
    {
      method: 'POST',
      path: '/api/v1/auth/phone/send',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Sign-up, step 1: send a 6-digit code to a new phone number over WhatsApp',
        tags: TAGS,
        body: phoneBody,
        response: { 200: codeSentSchema, ...errors(400, 403, 409, 429, 503) },
      },
      handler: guarded(async (req) => ok(await flows.signupSend(req, body<{ phone: string }>(req).phone))),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/phone/verify',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Sign-up, step 2: check the code, create the workspace and its owner, sign in',
        tags: TAGS,
        body: z.strictObject({
          phone: phoneSchema,
          otp: otpSchema,
          password: newPassword,
          workspaceName: z.string().trim().min(1).max(80).optional(),
        }),
        response: { 201: sessionSchema, ...errors(400, 403, 409, 429) },
      },
      handler: guarded(async (req) => {
        const input = body<{ phone: string; otp: string; password: string; workspaceName?: string }>(req);
        const { workspace, user, cookies } = await flows.signupVerify(req, input);
        return ok(await me(workspace.id, user.id), cookies, 201);
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/login/phone',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Sign in with phone and password (rate-limited per phone and per address)',
        tags: TAGS,
        body: z.strictObject({ phone: phoneSchema, password: anyPassword }),
        response: { 200: sessionSchema, ...errors(400, 401, 403, 429) },
      },
      handler: guarded(async (req) => {
        const { tenant, user, cookies } = await flows.login(req, body<{ phone: string; password: string }>(req));
        return ok(await me(tenant, user.id), cookies);
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/phone/forgot-password/send',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Forgot password, step 1: a code to the phone (same answer whether or not it has an account)',
        tags: TAGS,
        body: phoneBody,
        response: { 200: codeSentSchema.omit({ delivery: true }), ...errors(400, 429) },
      },
      handler: guarded(async (req) => ok(await flows.forgotSend(req, body<{ phone: string }>(req).phone))),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/phone/forgot-password/reset',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Forgot password, step 2: set a new password; every session of the account ends',
        tags: TAGS,
        body: z.strictObject({ phone: phoneSchema, otp: otpSchema, new_password: newPassword }),
        response: { 200: z.object({ reset: z.literal(true) }), ...errors(400, 429) },
      },
      handler: guarded(async (req) => {
        const input = body<{ phone: string; otp: string; new_password: string }>(req);
        await flows.reset({ phone: input.phone, otp: input.otp, newPassword: input.new_password });
        return ok({ reset: true }, sessions.clear(req));
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/auth/me',
      plugin,
      auth: { kind: 'session' },
      schema: {
        summary: 'The signed-in user, their workspace and permissions',
        tags: TAGS,
        response: { 200: sessionSchema, ...errors(401) },
      },
      handler: guarded(async (req) => {
        const auth = caller(req);
        return ok(await me(auth.tenantId, auth.userId));
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/logout',
      plugin,
      // Public: signing out must work with an expired access token too.
      auth: { kind: 'public' },
      schema: {
        summary: 'Sign out: revoke the refresh token and clear the cookies',
        tags: TAGS,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
      handler: guarded(async (req) => {
        const { cookies } = await sessions.end(req);
        return ok({ ok: true }, cookies);
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/refresh',
      plugin,
      auth: { kind: 'public' },
      schema: {
        summary: 'Trade the refresh cookie for new session cookies (the refresh token rotates)',
        tags: TAGS,
        response: { 200: sessionSchema, ...errors(401) },
      },
      handler: guarded(async (req) => {
        const { result, user, cookies } = await sessions.rotate(req);
        if (result.kind === 'reused') {
          logger.warn(
            { tenant: result.tenant, userId: result.userId },
            'a used refresh token came back: every session of the user ended',
          );
        }
        if (result.kind !== 'ok' || !user) {
          throw new HttpFail(401, 'E_UNAUTHENTICATED', 'the session has ended; sign in again', {
            'set-cookie': cookies,
          });
        }
        return ok(await me(result.tenant, user.id), cookies);
      }),
    },
  ];
}
