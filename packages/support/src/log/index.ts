import type { PluginHooks } from '@smmbot/core';
import type { SupportContext } from '../context.js';

/** The message log, templates and chat modes. (Filled in by the log/templates work.) */
export function applyLog(_ctx: SupportContext, _hooks: PluginHooks): void {}
