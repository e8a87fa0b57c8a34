import {
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  HttpRoutes,
  httpError,
  type Permission,
} from '@smmbot/core';
import type { Billing } from './billing.js';
import type { Module } from './types.js';

/**
 * The dashboard's REST routes that belong to a module, by the permission they are guarded with
 * (core's table already groups each feature's routes under one permission): a plan without the
 * module gets a 403 from these routes, whoever mounts them.
 */
export const MODULE_OF_PERMISSION: Readonly<Partial<Record<Permission, Module>>> = {
  'dashboard.marketing': 'marketing',
};

/** The module a route needs, if any: session routes whose permission maps to one. */
export function moduleOf(route: HttpRoute): Module | undefined {
  const auth = route.auth;
  return auth?.kind === 'session' && auth.permission ? MODULE_OF_PERMISSION[auth.permission] : undefined;
}

/**
 * `Tokens.Http`, with the routes of plan modules checked against the caller's plan before their
 * handler runs. Wraps the registry rather than the routes' plugins, so a route added by any plugin,
 * before or after billing, is covered, and the server (the host's, or a test's) needs to know nothing
 * about plans. The check runs after the host's session and permission check (`guardRequest`).
 */
export class ModuleGatedRoutes extends HttpRoutes {
  private readonly gated = new WeakMap<HttpRoute, HttpRoute>();

  constructor(
    private readonly inner: HttpRoutes,
    private readonly billing: Billing,
  ) {
    super();
  }

  override add(route: HttpRoute): void {
    this.inner.add(route);
  }

  override all(): HttpRoute[] {
    return this.inner.all().map((route) => this.gate(route));
  }

  private gate(route: HttpRoute): HttpRoute {
    const module = moduleOf(route);
    if (!module) return route;
    let wrapped = this.gated.get(route);
    if (!wrapped) {
      const billing = this.billing;
      wrapped = {
        ...route,
        async handler(request: HttpRequest): Promise<HttpResponse> {
          const tenant = request.auth?.master ? undefined : request.auth?.tenantId;
          if (tenant) {
            const refusal = await refuse(billing, tenant, module);
            if (refusal) return refusal;
          }
          return route.handler(request);
        },
      };
      this.gated.set(route, wrapped);
    }
    return wrapped;
  }
}

/** 403 `E_PLAN_MODULE` when the workspace's plan in force lacks the module (or none is in force). */
async function refuse(billing: Billing, tenant: string, module: Module): Promise<HttpResponse | undefined> {
  const e = await billing.entitlement(tenant);
  if (!e.blocked && e.plan?.modules.includes(module)) return undefined;
  const message = e.blocked
    ? `the workspace has no subscription in force (${e.status}), so "${module}" is not available; choose a plan under Billing`
    : `your plan (${e.plan?.name ?? e.plan?.id}) does not include the "${module}" module; change plan under Billing`;
  return httpError(403, 'E_PLAN_MODULE', message);
}
