import { type Clock, SystemClock } from '@smmbot/core';
import { CLASSIC_ACTIONS, type ClassicAction, type PanelSimOptions } from './types.js';

/** Default Admin API key (64 hex chars, like real admin keys). */
export const DEFAULT_ADMIN_KEY = 'adad'.repeat(16);
/** Default classic API key of the seeded `demo` user (32 hex chars, like real user keys). */
export const DEFAULT_API_KEY = 'c0ffee00'.repeat(4);

export interface SimConfig {
  host: string;
  port: number;
  clock: Clock;
  seed: number | string;
  serviceCount: number;
  userCount: number;
  orderCount: number;
  adminKey: string;
  apiKey: string;
  statusCase: 'title' | 'lower';
  errorStyle: 'text' | 'translation-key';
  bareStringErrors: boolean;
  actions: ReadonlySet<ClassicAction>;
  apiV1: boolean;
  dateFormat: 'panel' | 'iso';
  countMeaning: 'page' | 'total';
}

export function resolveConfig(options: PanelSimOptions = {}): SimConfig {
  const flavor = options.flavor ?? {};
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    clock: options.clock ?? new SystemClock(),
    seed: options.seed ?? 1,
    serviceCount: options.serviceCount ?? 300,
    userCount: options.userCount ?? 12,
    orderCount: options.orderCount ?? 200,
    adminKey: options.adminKey ?? DEFAULT_ADMIN_KEY,
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    statusCase: flavor.statusCase ?? 'title',
    errorStyle: flavor.errorStyle ?? 'text',
    bareStringErrors: flavor.bareStringErrors ?? false,
    actions: new Set(flavor.actions ?? CLASSIC_ACTIONS),
    apiV1: flavor.apiV1 ?? false,
    dateFormat: options.dateFormat ?? 'panel',
    countMeaning: options.countMeaning ?? 'page',
  };
}
