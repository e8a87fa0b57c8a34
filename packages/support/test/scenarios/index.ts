import { account } from './account.js';
import { actions } from './actions.js';
import { dirty, dispatch } from './dirty-dispatch.js';
import { groups } from './groups.js';
import { orderLookups } from './orders-lookup.js';
import { refill } from './refill.js';
import { roles } from './roles.js';
import type { Scenario } from './types.js';
import { verification } from './verification.js';

/** Every scenario file, by theme. */
export const SCENARIO_FILES: Record<string, Scenario[]> = {
  verification,
  'order look-ups': orderLookups,
  refill,
  'cancel, speed up, refund, partial, fake complete': actions,
  'balance, services, ticket, my username': account,
  'dirty commands': dirty,
  roles,
  'groups and chat modes': groups,
  'provider-group dispatch': dispatch,
};
