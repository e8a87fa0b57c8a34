import type { Balancer } from '@smmbot/balancer';
import { type HttpRoute, httpError } from '@smmbot/core';
import type { ApiKeyService } from './api-keys.js';
import { API_KEY_AUTH, apiKeyAuthed } from './http-util.js';

export const SNAPSHOT_PATH = '/api/v1/balancer';
export const ALERTS_PATH = '/api/v1/alerts';
export const RESOLVE_ALERT_PATH = '/api/v1/alerts/:id/resolve';

/**
 * The company's live view, behind its API key: the balancer snapshot (phones, next phone, queue,
 * active alerts) and the alert log. The dashboard polls these; a company only sees its own phones.
 */
export function monitorRoutes(deps: { plugin: string; keys: ApiKeyService; balancer: () => Balancer }): HttpRoute[] {
  const authed = apiKeyAuthed(deps.keys);
  return [
    {
      method: 'GET',
      path: SNAPSHOT_PATH,
      plugin: deps.plugin,
      auth: API_KEY_AUTH,
      schema: { summary: "The company's phones, next phone, queue and active alerts", tags: ['send API'] },
      handler: authed(async (tenant) => ({ body: await deps.balancer().snapshot(tenant) })),
    },
    {
      method: 'GET',
      path: ALERTS_PATH,
      plugin: deps.plugin,
      auth: API_KEY_AUTH,
      schema: { summary: "The company's balancer alerts", tags: ['send API'] },
      handler: authed(async (tenant, req) => {
        const status = req.query.status as string | undefined;
        if (status !== undefined && status !== 'active' && status !== 'resolved') {
          return httpError(400, 'E_BAD_REQUEST', 'status: expected "active" or "resolved"');
        }
        return { body: { alerts: await deps.balancer().alerts(tenant, status ? { status } : {}) } };
      }),
    },
    {
      method: 'POST',
      path: RESOLVE_ALERT_PATH,
      plugin: deps.plugin,
      auth: API_KEY_AUTH,
      schema: { summary: 'Mark an alert resolved', tags: ['send API'] },
      handler: authed(async (tenant, req) => {
        const done = await deps.balancer().resolveAlert(tenant, req.params.id ?? '');
        return done ? { body: { resolved: true } } : httpError(404, 'E_NOT_FOUND', 'no active alert with this id');
      }),
    },
  ];
}
