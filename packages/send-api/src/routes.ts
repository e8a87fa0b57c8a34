import { randomUUID } from 'node:crypto';
import {
  type ChannelRegistry,
  type Clock,
  formatIssues,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  type Logger,
  type OutboundMessage,
  QuotaError,
  SmmbotError,
  type TenantId,
} from '@smmbot/core';
import { z } from 'zod';
import type { ApiKeyService } from './api-keys.js';
import type { Balancer, EnqueueResult } from '@smmbot/balancer';
import { API_KEY_AUTH, apiKeyAuthed, errorSummary, isoOrNull } from './http-util.js';
import { checkNumber, normalizeNumber, pickChecker, tenantChannels, whatsappChatId } from './numbers.js';
import type { TemplateOptions } from './options.js';
import { mergeTemplate } from './template.js';

export const SEND_PATH = '/api/v1/send-message';
export const STATUS_PATH = '/api/v1/messages/:id';

const sendSchema = z.object({
  number: z.union([z.string().max(40), z.number().int().nonnegative()]).transform((value, ctx) => {
    const digits = normalizeNumber(String(value));
    if (digits) return digits;
    ctx.addIssue({ code: 'custom', message: 'expected a phone number of 8 to 15 digits (+, spaces, dashes allowed)' });
    return z.NEVER;
  }),
  customerName: z.string().trim().max(100).optional(),
  token: z.string().trim().max(200).optional(),
  text: z.string().trim().min(1).max(4096).optional(),
  idempotencyKey: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'expected 1 to 100 letters, digits, or . _ : -')
    .optional(),
  channel: z.string().trim().min(1).max(100).optional(),
});
type SendBody = z.output<typeof sendSchema>;

export interface ApiRouteDeps {
  plugin: string;
  keys: ApiKeyService;
  /** Resolved per request: the balancer plugin may be registered after this one. */
  balancer: () => Balancer;
  channels: ChannelRegistry;
  templates: Readonly<Record<TenantId, TemplateOptions>>;
  clock: Clock;
  logger: Logger;
  numberCheckTimeoutMs: number;
}

/** `POST /api/v1/send-message` and `GET /api/v1/messages/:id`, both behind the X-Api-Key check. */
export function apiRoutes(deps: ApiRouteDeps): HttpRoute[] {
  const authed = apiKeyAuthed(deps.keys);
  return [
    {
      method: 'POST',
      path: SEND_PATH,
      plugin: deps.plugin,
      auth: API_KEY_AUTH,
      schema: {
        summary: 'Queue a WhatsApp message (payment reminder) for a number',
        tags: ['send API'],
        body: sendSchema,
      },
      handler: authed((t, req) => send(deps, t, req)),
    },
    {
      method: 'GET',
      path: STATUS_PATH,
      plugin: deps.plugin,
      auth: API_KEY_AUTH,
      schema: { summary: 'The state of a queued message', tags: ['send API'] },
      handler: authed((t, req) => status(deps, t, req)),
    },
  ];
}

async function send(deps: ApiRouteDeps, tenant: TenantId, req: HttpRequest): Promise<HttpResponse> {
  const parsed = sendSchema.safeParse(req.body ?? {}, { reportInput: true });
  if (!parsed.success) {
    return httpError(400, 'E_BAD_REQUEST', 'invalid request body', formatIssues(parsed.error, 'body'));
  }
  const body = parsed.data;
  const id = body.idempotencyKey ?? randomUUID();
  const log = deps.logger.child({ tenant, msgId: id });
  const balancer = deps.balancer();

  // A retry of an accepted request: answer from the stored job, without checking the number again.
  if (body.idempotencyKey) {
    const existing = await balancer.status(tenant, id);
    if (existing?.tenantId === tenant) return enqueue(balancer, existing.message, log);
  }

  const text = body.text ?? templateText(deps.templates[tenant], body);
  if (!text) {
    const why = deps.templates[tenant] ? 'the template gave an empty message' : 'no template is configured';
    return httpError(400, 'E_BAD_REQUEST', `send "text", or configure a template for this company (${why})`);
  }
  const channels = tenantChannels(deps.channels, tenant);
  if (body.channel && !channels.some((c) => c.name === body.channel)) {
    return httpError(400, 'E_BAD_REQUEST', `this company has no channel named "${body.channel}"`, ['body.channel']);
  }
  const fallback = channels[0];
  if (!fallback) return httpError(503, 'E_UNAVAILABLE', 'no WhatsApp number is set up for this company');

  const check = await checkNumber(
    pickChecker(channels, body.channel),
    body.number,
    deps.clock,
    deps.numberCheckTimeoutMs,
  );
  if (check.kind === 'failed') {
    log.warn({ channel: check.checkedBy, error: check.error }, 'number check failed; request refused');
    return httpError(503, 'E_UNAVAILABLE', 'could not check the number on WhatsApp right now; try again shortly');
  }
  if (check.kind === 'not_registered') {
    log.info({ channel: check.checkedBy }, 'number is not on WhatsApp');
    return httpError(404, 'E_NOT_ON_WHATSAPP', 'this number is not registered on WhatsApp');
  }
  if (check.kind === 'unchecked') log.info('no connected channel can check numbers; queued without a check');

  // The pool is the tenant's anti-ban phones; a tenant without any (only the Cloud API, say) sends
  // from one named channel instead of waiting for a phone that will never come.
  const pool = !body.channel && channels.some((c) => c.capabilities.antiBan);
  const message: OutboundMessage = {
    id,
    tenantId: tenant,
    // Pool messages name a channel too (the interface wants one); the balancer picks the sender.
    channel: body.channel ?? (check.kind === 'registered' ? check.checkedBy : fallback.name),
    chatId: check.kind === 'registered' ? check.chatId : whatsappChatId(body.number),
    text,
    priority: 'system',
    route: pool ? 'pool' : 'sticky',
    meta: { source: 'api', ...(body.customerName ? { customerName: body.customerName } : {}) },
  };
  return enqueue(balancer, message, log);
}

async function enqueue(balancer: Balancer, message: OutboundMessage, log: Logger): Promise<HttpResponse> {
  let result: EnqueueResult;
  try {
    result = await balancer.enqueue(message);
  } catch (err) {
    if (err instanceof QuotaError) {
      log.info('monthly quota used up; request refused');
      return httpError(429, 'E_QUOTA', err.customerMessage);
    }
    if (err instanceof SmmbotError && err.retryable) {
      log.warn({ err }, 'the queue is not accepting messages right now');
      return httpError(503, 'E_UNAVAILABLE', 'the queue is not accepting messages right now; try again shortly');
    }
    log.error({ err }, 'could not queue the message');
    throw err;
  }
  log.info({ created: result.created, state: result.state, position: result.position }, 'message queued');
  return {
    status: 202,
    body: {
      id: result.id,
      status: result.state,
      created: result.created,
      position: result.position,
      estimatedAt: isoOrNull(result.estimatedAt),
    },
  };
}

function templateText(template: TemplateOptions | undefined, body: SendBody): string {
  return template ? mergeTemplate(template, { customerName: body.customerName, token: body.token }) : '';
}

async function status(deps: ApiRouteDeps, tenant: TenantId, req: HttpRequest): Promise<HttpResponse> {
  const id = req.params.id ?? '';
  const job = id ? await deps.balancer().status(tenant, id) : undefined;
  // Another company's id is "not found" too: the answer must not tell that it exists.
  if (!job || job.tenantId !== tenant) return httpError(404, 'E_NOT_FOUND', 'no message with this id');
  return {
    body: {
      id: job.id,
      state: job.state,
      phone: job.phone ?? null,
      attempts: job.attempts,
      createdAt: isoOrNull(job.createdAt),
      sentAt: isoOrNull(job.sentAt),
      error: errorSummary(job.error),
    },
  };
}
