import type { PluginHooks } from '@smmbot/core';
import type { SupportContext } from '../context.js';

/** Customer order commands: ownership, eligibility, cooldowns, dispatch. (Filled in by the orders work.) */
export function applyOrders(_ctx: SupportContext, _hooks: PluginHooks): void {}
