import type { definePlugin } from '@smmbot/core';

/**
 * STOPGAP. `definePlugin` wants a zod schema, but this package does not list `zod` as a dependency
 * (pnpm does not hoist it here), so it cannot call `z.object(...)`. Until `"zod"` is added to
 * package.json, this builds the one thing `definePlugin` uses, `safeParse`, with zod's result and
 * issue shapes, typed so `z.input`/`z.output` see the real option types. It is not a full zod schema:
 * do not call other zod methods on `sqliteStorage.options`.
 */
type ZodTypeLike = Parameters<typeof definePlugin>[0]['options'];

export type OptionsSchema<O, I> = ZodTypeLike & { _zod: { output: O; input: I } };

interface Issue {
  code: 'invalid_type';
  path: PropertyKey[];
  message: string;
  input: unknown;
}

type SafeParse<O> = { success: true; data: O } | { success: false; error: { name: 'ZodError'; issues: Issue[] } };

function fail(issues: Issue[]): SafeParse<never> {
  return { success: false, error: { name: 'ZodError', issues } };
}

export interface SqliteOptions {
  path: string;
}

/** Like `z.object({ path: z.string().min(1).default(defaultPath) })`: unknown keys are dropped. */
export function sqliteOptions(defaultPath: string): OptionsSchema<SqliteOptions, Partial<SqliteOptions> | undefined> {
  const safeParse = (raw: unknown): SafeParse<SqliteOptions> => {
    if (raw === undefined) return { success: true, data: { path: defaultPath } };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return fail([{ code: 'invalid_type', path: [], message: 'Invalid input: expected object', input: raw }]);
    }
    const path = (raw as Record<string, unknown>).path;
    if (path === undefined) return { success: true, data: { path: defaultPath } };
    if (typeof path !== 'string' || path.length === 0) {
      const message = 'Invalid input: expected a non-empty file path string';
      return fail([{ code: 'invalid_type', path: ['path'], message, input: path }]);
    }
    return { success: true, data: { path } };
  };
  const parse = (raw: unknown) => {
    const result = safeParse(raw);
    if (!result.success) throw Object.assign(new Error(result.error.issues[0]?.message), result.error);
    return result.data;
  };
  return { safeParse, parse } as unknown as OptionsSchema<SqliteOptions, Partial<SqliteOptions> | undefined>;
}
