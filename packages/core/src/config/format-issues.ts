import type { z } from 'zod';
import { redactSecrets } from '../logger.js';

/**
 * Turns zod issues into lines a person can act on: the path, what was expected and what was found.
 * Parse with `{ reportInput: true }` so each issue carries the offending input.
 */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
      .filter(Boolean)
      .join('.')
      .replace(/\.\[/g, '[');
    // A mistyped key or token must not be echoed into a log or a terminal.
    const secret = issue.path.some((p) => typeof p === 'string' && SECRET_NAME.test(p));
    const found = 'input' in issue ? `; found ${secret ? '[redacted]' : preview(issue.input)}` : '';
    return `${path || '(root)'}: ${issue.message}${found}`;
  });
}

const SECRET_NAME = /key|token|secret|password|passwd|otp|authorization|cookie/i;

function preview(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  // Whole objects are echoed for unknown keys: censor secret-named fields inside them too.
  const value = redactSecrets(raw);
  const json = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  // A database or Redis URL may carry a password (`scheme://user:password@host`): never echo it.
  const text = json.replace(/(\/\/[^/:@\s"]*:)[^@\s"]*@/g, '$1[redacted]@');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
