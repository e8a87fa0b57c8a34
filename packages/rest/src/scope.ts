import type { Logger, TenantId, TurnServices } from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { RestError } from './http.js';

/** Returns the tenant's child container (the engine's `forTenant`), where per-tenant panels live. */
export type ContainerFor = (tenant: TenantId) => DependencyContainer;

/**
 * Where the routes find their services: resolved per request, because plugins registered after this
 * one (or per tenant) are only there once the engine runs. A missing service is a 501 naming the
 * plugin to install, not a crash.
 */
export class Scope {
  constructor(
    readonly container: DependencyContainer,
    readonly logger: Logger,
    /** The tenants the engine serves (the same array grows with signups). */
    readonly tenants: readonly TenantId[],
    private readonly containerFor?: ContainerFor,
  ) {}

  need<T>(token: InjectionToken<T>, plugin: string): T {
    if (!this.container.isRegistered(token, true)) {
      throw new RestError(501, 'E_NOT_INSTALLED', `this host does not run ${plugin}`);
    }
    return this.container.resolve(token);
  }

  optional<T>(token: InjectionToken<T>): T | undefined {
    return this.container.isRegistered(token, true) ? this.container.resolve(token) : undefined;
  }

  /** The tenant's container (its panel shadows a root one); the root one when the host gave no `containerFor`. */
  forTenant(tenant: TenantId): DependencyContainer {
    return this.containerFor?.(tenant) ?? this.container;
  }

  /** The tenant's services the way a turn sees them (for support code written against turns). */
  servicesOf(tenant: TenantId): TurnServices {
    const c = this.forTenant(tenant);
    return { has: (token) => c.isRegistered(token, true), resolve: (token) => c.resolve(token) };
  }
}
