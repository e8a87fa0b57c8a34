import { type PluginHooks, Stage, type Turn } from '@smmbot/core';
import { applyUserAdmin } from '../admin/users.js';
import type { SupportContext } from '../context.js';
import { groupId } from '../records.js';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import { guard } from './guards.js';
import { FlowStore } from './otp.js';
import { isStaff, MemberTracker, resolveGroup, resolveIdentity, roleOf, seedAdmins } from './resolve.js';
import { IdentityService } from './service.js';
import { VerificationFlow } from './verification.js';

export { type FlowInput, classify } from './classify.js';
export { isStaff, MEMBER_TTL_MS, membersKey, TOUCH_INTERVAL_MS } from './resolve.js';
export {
  type CustomerPage,
  type CustomerQuery,
  IdentityService,
  normalizeUsername,
  type VerifiedBy,
  type VerifyResult,
} from './service.js';
export { REDACTED_CODE, VerificationFlow } from './verification.js';

/**
 * Identities, roles, groups, blocking and the verification flow (see guards.ts and verification.ts
 * for the rules), plus `my username` and the user/group admin commands (admin/users.ts).
 */
export function applyIdentity(ctx: SupportContext, hooks: PluginHooks): IdentityService {
  const service = new IdentityService(ctx);
  const flow = new VerificationFlow(ctx, service);
  const members = new MemberTracker(ctx);

  hooks.boot.tap('seed-admins', async () => {
    const tenants = new Set(ctx.options.admins.map((a) => a.tenant));
    await Promise.all([...tenants].map((t) => seedAdmins(ctx, t)));
  });

  hooks.inbound.tap(
    'identity',
    async (message, turn) => {
      const [identity, group, role] = await Promise.all([
        resolveIdentity(ctx, message),
        resolveGroup(ctx, message),
        roleOf(ctx, message),
      ]);
      const state = supportState(turn);
      state.identity = identity;
      state.group = group;
      turn.role = role;
      turn.panelUser = identity.panelUser;
      if (group) await members.track(message.tenantId, groupId(message.channel, message.chat.id), identity.id);
      return message;
    },
    { stage: Stage.GUARD },
  );

  hooks.verify.tap('guards', guard, { stage: Stage.GUARD });
  hooks.verify.tap('verification', (turn) => flow.run(turn), { stage: Stage.PRE });

  hooks.command.for('my_username').tap('my-username', (turn) => myUsername(ctx, turn));

  applyUserAdmin(ctx, hooks, service);
  return service;
}

async function myUsername(ctx: SupportContext, turn: Turn) {
  const state = supportState(turn);
  Object.assign(state.log, { action: 'my_username', result: 'info' });
  const username = state.identity?.panelUser ?? turn.panelUser;
  if (username) {
    return { reason: 'my_username', replies: [draft('my_username', { username })] };
  }
  // The reply asks for the username: expect it as the flow's next message.
  if (turn.config.verification_enabled && state.identity && !isStaff(turn.role) && !turn.silent) {
    const store = new FlowStore(ctx.kv, turn.tenantId, state.identity.id);
    if (!(await store.flow())) await store.setFlow({ stage: 'username' });
  }
  state.log.reason = 'not_linked';
  return { reason: 'not_linked', replies: [draft('not_linked')] };
}
