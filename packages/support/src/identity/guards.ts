import { normalizeText, type Turn, type Verdict } from '@smmbot/core';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import { isStaff } from './resolve.js';

/**
 * The `verify` guards, in this order:
 * 1. a blocked identity: told so in a private chat (`blocked`), ignored in groups;
 * 2. a group with support off: ignored, except a staff member's `!command` (so `!support enable` works);
 * 3. a silent group: `turn.silent` (processed and logged, nothing sent);
 * 4. the tenant's `support_enabled = false`: customers are ignored, staff go on.
 */
export function guard(turn: Turn): Verdict | undefined {
  const state = supportState(turn);
  const { identity, group } = state;
  const inGroup = turn.message.chat.kind === 'group';
  if (identity?.status === 'blocked') {
    Object.assign(state.log, { action: 'blocked', result: 'refused', reason: 'blocked' });
    if (inGroup) return { kind: 'drop', reason: 'blocked' };
    return { kind: 'answer', reason: 'blocked', reply: draft('blocked') };
  }
  const staff = isStaff(turn.role);
  if (group && !group.supportEnabled && !(staff && normalizeText(turn.message.text).startsWith('!'))) {
    Object.assign(state.log, { action: 'support_disabled', result: 'info', reason: 'support_disabled', skip: true });
    return { kind: 'drop', reason: 'support_disabled' };
  }
  if (group?.silent) turn.silent = true;
  if (!turn.config.support_enabled && !staff) {
    Object.assign(state.log, { action: 'support_disabled', result: 'info', reason: 'tenant_support_disabled' });
    state.log.skip = true;
    return { kind: 'drop', reason: 'support_disabled' };
  }
  return undefined;
}
