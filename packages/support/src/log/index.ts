import type { PluginHooks } from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { applyAdminOps } from '../admin/ops.js';
import type { SupportContext } from '../context.js';
import { type AiRewrite, applyChatModes } from '../templates/chat-mode.js';
import { TemplateStore } from '../templates/store.js';
import { MessageLog } from './message-log.js';
import { applyMessageLogging } from './settle.js';

export { ADMIN_OPS, type AdminDeps, type AdminOp, adminArgs, applyAdminOps } from '../admin/ops.js';
export { type AiRewrite, applyChatModes, FIXED_TEMPLATES, sendAsWritten } from '../templates/chat-mode.js';
export {
  allowedVars,
  isTemplateKey,
  MAX_TEMPLATE_LENGTH,
  type TemplateEntry,
  TemplateStore,
  templateVars,
} from '../templates/store.js';
export {
  LOG_SERIAL_KEY,
  type LogQuery,
  logQuerySchema,
  MessageLog,
  type MessageLogDeps,
  type NewLogEntry,
  ORDER_INDEX_TTL_MS,
} from './message-log.js';
export { logEntryOf, redactLoggedText } from './settle.js';

/** Where the host (REST `/api/v1/logs`, `/api/v1/templates`) finds the services; see `logServicesFor`. */
export const MessageLogToken = Symbol('smmbot.support.MessageLog') as InjectionToken<MessageLog>;
export const TemplateStoreToken = Symbol('smmbot.support.TemplateStore') as InjectionToken<TemplateStore>;

export interface LogServices {
  log: MessageLog;
  templates: TemplateStore;
}

/** The services over the context's stores: cheap, stateless apart from a serial check per tenant. */
export function createLogServices(ctx: Pick<SupportContext, 'logs' | 'kv' | 'clock'>): LogServices {
  return {
    log: new MessageLog({ logs: ctx.logs, kv: ctx.kv, clock: ctx.clock }),
    templates: new TemplateStore(ctx.kv, ctx.clock),
  };
}

/**
 * The container's MessageLog and TemplateStore, registered on first call: one instance each that the
 * plugin's taps, other workflows (Ticket AI logs like a command) and the REST API share.
 */
export function logServicesFor(container: DependencyContainer, ctx: Pick<SupportContext, 'logs' | 'kv' | 'clock'>) {
  if (!container.isRegistered(MessageLogToken, true) || !container.isRegistered(TemplateStoreToken, true)) {
    const created = createLogServices(ctx);
    container.register(MessageLogToken, { useValue: created.log });
    container.register(TemplateStoreToken, { useValue: created.templates });
  }
  return { log: container.resolve(MessageLogToken), templates: container.resolve(TemplateStoreToken) };
}

export interface ApplyLogOptions {
  /** Use these instances (e.g. the ones registered in the container) instead of new ones. */
  services?: LogServices;
  /** AI mode's rewrite of replies; the AI issue provides it (until then AI mode sends the manual text). */
  aiRewrite?: AiRewrite;
}

/**
 * The message log, templates and chat modes, and the admin ops that work on them:
 * - `settled`: one log line per command turn (MessageLog);
 * - `reply` (PRE): the chat mode: manual as written, custom from the tenant's templates, AI via the seam;
 * - `command`: `!status`, `!broadcast`, `!resolve`, `!config`.
 */
export function applyLog(ctx: SupportContext, hooks: PluginHooks, options: ApplyLogOptions = {}): LogServices {
  const services = options.services ?? createLogServices(ctx);
  applyMessageLogging(hooks, services.log);
  applyChatModes(hooks, {
    templates: services.templates,
    config: ctx.config,
    ...(options.aiRewrite ? { aiRewrite: options.aiRewrite } : {}),
  });
  applyAdminOps(ctx, hooks, services.log);
  return services;
}
