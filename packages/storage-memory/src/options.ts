import type { definePlugin } from '@smmbot/core';

/**
 * STOPGAP. `definePlugin` wants a zod schema, but this package does not list `zod` as a dependency
 * (pnpm does not hoist it here), so it cannot call `z.object(...)`. Until `"zod"` is added to
 * package.json, this builds the one thing `definePlugin` uses, `safeParse`, with zod's result and
 * issue shapes, typed so `z.input`/`z.output` see the real option types. It is not a full zod schema:
 * do not call other zod methods on `memoryStorage.options`.
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

/** Like `z.object({})`: any object (unknown keys are dropped), or nothing. */
export function emptyOptions(): OptionsSchema<Record<string, never>, Record<string, unknown> | undefined> {
  const safeParse = (raw: unknown): SafeParse<Record<string, never>> => {
    if (raw === undefined || (typeof raw === 'object' && raw !== null && !Array.isArray(raw))) {
      return { success: true, data: {} };
    }
    const issue: Issue = { code: 'invalid_type', path: [], message: 'Invalid input: expected object', input: raw };
    return { success: false, error: { name: 'ZodError', issues: [issue] } };
  };
  const parse = (raw: unknown) => {
    const result = safeParse(raw);
    if (!result.success) throw Object.assign(new Error(result.error.issues[0]?.message), result.error);
    return result.data;
  };
  return { safeParse, parse } as unknown as OptionsSchema<Record<string, never>, Record<string, unknown> | undefined>;
}
