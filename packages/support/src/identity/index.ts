import type { PluginHooks } from '@smmbot/core';
import type { SupportContext } from '../context.js';

/** Identities, roles, groups, blocking and the verification flow. (Filled in by the identity work.) */
export function applyIdentity(_ctx: SupportContext, _hooks: PluginHooks): void {}
