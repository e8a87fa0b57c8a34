import type { AsyncHook, Hook, HookMap } from 'tapable';
import { PluginError } from './errors.js';
import type { EngineHooks, HookName } from './hooks.js';
import { Stage } from './hooks.js';
import type { BotPlugin, PluginHooks, TapOptions } from './plugin.js';

interface TapInfo {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: (...args: unknown[]) => unknown;
  plugin?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: tapable's generic hooks are erased at this level.
type AnyHook = Hook<any, any, any>;

const SYNC_HOOKS = new Set<HookName>(['error']);

/**
 * Wraps every tap of every hook so that whatever it throws becomes a PluginError naming the
 * plugin and the hook (tapable's own errors carry neither). Installed once per engine, before
 * any plugin taps.
 */
export function installErrorInterceptors(hooks: EngineHooks): void {
  for (const [name, hook] of Object.entries(hooks)) {
    if (isHookMap(hook)) {
      hook.intercept({
        factory: (key, created) => {
          intercept(created as AnyHook, `${name}:${key}`);
          return created;
        },
      });
    } else {
      intercept(hook as AnyHook, name);
    }
  }
}

function intercept(hook: AnyHook, hookName: string): void {
  hook.intercept({
    register: (tap: TapInfo) => {
      const plugin = tap.plugin ?? tap.name.split(':')[0] ?? tap.name;
      const fn = tap.fn;
      const wrapped =
        tap.type === 'promise'
          ? (...args: unknown[]) =>
              (fn(...args) as Promise<unknown>).catch((err: unknown) => {
                throw asPluginError(err, plugin, hookName);
              })
          : (...args: unknown[]) => {
              try {
                return fn(...args);
              } catch (err) {
                throw asPluginError(err, plugin, hookName);
              }
            };
      return { ...tap, fn: wrapped };
    },
  } as never);
}

/** The innermost plugin error wins: it names the tap that really failed. */
function asPluginError(err: unknown, plugin: string, hook: string): PluginError {
  return err instanceof PluginError ? err : new PluginError(plugin, hook, err);
}

function isHookMap(hook: unknown): hook is HookMap<AnyHook> {
  return typeof (hook as HookMap<AnyHook>).for === 'function';
}

/** Builds the tap-only hooks a plugin sees: every tap is named `<plugin>:<name>` and staged by `enforce`. */
export function scopedHooks(hooks: EngineHooks, plugin: BotPlugin): PluginHooks {
  const defaultStage = plugin.enforce === 'pre' ? Stage.PRE : plugin.enforce === 'post' ? Stage.POST : Stage.DEFAULT;
  const scope = (hook: AnyHook, sync: boolean) => ({
    tap(name: string, fn: (...args: unknown[]) => unknown, options: TapOptions = {}) {
      const tapOptions = { name: `${plugin.name}:${name}`, stage: options.stage ?? defaultStage, plugin: plugin.name };
      if (sync) hook.tap(tapOptions, fn);
      else (hook as AsyncHook<unknown[], unknown>).tapPromise(tapOptions, async (...args: unknown[]) => fn(...args));
    },
  });
  const out: Record<string, unknown> = {};
  for (const [name, hook] of Object.entries(hooks)) {
    out[name] = isHookMap(hook)
      ? { for: (key: string) => scope(hook.for(key), false) }
      : scope(hook as AnyHook, SYNC_HOOKS.has(name as HookName));
  }
  return out as unknown as PluginHooks;
}
