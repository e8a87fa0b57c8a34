import type { TenantId } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';

/**
 * What a workspace's plan allows, as far as this plugin acts on it. A billing plugin registers one
 * under `WorkspaceLimitsToken` (`@smmbot/billing` does); without one nothing is limited. The port
 * lives here, not in billing, so workspaces runs without billing and the dependency only goes one
 * way (billing → workspaces).
 */
export interface WorkspaceLimits {
  /**
   * The most admin and staff numbers (the owner not counted) the workspace may have: `null` for no
   * limit, `0` for none (also what a workspace without a subscription in force gets).
   */
  limitOf(tenant: TenantId, name: 'staff'): Promise<number | null>;
}

export const WorkspaceLimitsToken = Symbol('smmbot.workspaces.WorkspaceLimits') as InjectionToken<WorkspaceLimits>;
