import { SmmbotError } from '@smmbot/core';
import type { LimitName, Module } from './types.js';

/**
 * A billing request that cannot go on: carries the HTTP status the routes answer with. The message
 * is safe to show to the workspace owner (it names plans and invoices, never secrets).
 */
export class BillingError extends Error {
  override name = 'BillingError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new BillingError(404, 'E_NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new BillingError(409, 'E_CONFLICT', message);

/**
 * The workspace's plan does not include a module (or a limit is reached). A customer in a chat sees
 * only the customer-safe text; the log has the module and the plan.
 */
export class PlanError extends SmmbotError {
  override name = 'PlanError';
  constructor(
    message: string,
    details: { tenant: string; plan?: string; module?: Module; limit?: LimitName; blocked?: boolean },
  ) {
    super('E_UNSUPPORTED', message, {
      details,
      customerMessage: 'This feature is not available on the current plan. Please contact the administrator.',
    });
  }
}
