import { PanelError } from '@smmbot/core';

/** The actions of the classic SMM API v2. */
export const CLASSIC_ACTIONS = ['services', 'add', 'status', 'refill', 'refill_status', 'cancel', 'balance'] as const;

export type ClassicAction = (typeof CLASSIC_ACTIONS)[number];

/**
 * What an `error` text means. The first four end the whole call (a typed PanelError); the others are
 * about one order (or one request) and become an absent order or an `ok: false` result.
 */
export type ErrorClass =
  | 'unauthorized'
  | 'unsupported'
  | 'rate_limited'
  | 'unavailable'
  | 'not_found'
  | 'funds'
  | 'refused';

/** Panels write the same error as text, as snake_case keys or as dotted translation keys. */
const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[._\-:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const RULES: [ErrorClass, RegExp][] = [
  [
    'unauthorized',
    /\bapi ?key\b|\bbad ?auth|unauthori[sz]ed|authenticat|(invalid|wrong|incorrect) (api )?(key|token)|key (is )?(incorrect|invalid|wrong|disabled)|access denied/,
  ],
  [
    'unsupported',
    /incorrect request|invalid request|action (is )?(invalid|not (found|supported|allowed|available))|(invalid|unknown|incorrect) action|not supported|method not allowed/,
  ],
  ['rate_limited', /too many (requests|attempts)|rate limit|slow down/],
  ['unavailable', /maintenance|temporarily unavailable|internal (server )?error/],
  ['funds', /not enough (funds|balance|money)|insufficient|low balance|no funds/],
  [
    'not_found',
    /(incorrect|invalid|unknown|wrong) (order|refill)( id)?\b|(order|refill)s? (id )?(is |was )?not (found|exist)|no such (order|refill)|\bnot found\b/,
  ],
];

export function classifyError(text: string): ErrorClass {
  const n = normalize(text);
  for (const [cls, re] of RULES) if (re.test(n)) return cls;
  return 'refused';
}

/** Hard classes: the whole call failed, whatever ids it was about. */
export function isHard(cls: ErrorClass): cls is 'unauthorized' | 'unsupported' | 'rate_limited' | 'unavailable' {
  return cls === 'unauthorized' || cls === 'unsupported' || cls === 'rate_limited' || cls === 'unavailable';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The error text of an answer or of one entry: `{error: "..."}`, `{error: {message}}`,
 * `{status: "error", message}`, or (where `bare` is set, as inside multi answers) a bare string.
 * A numeric `status` next to the error (the Turkish-origin scripts) is ignored.
 */
export function errorOf(value: unknown, bare = false): string | undefined {
  if (typeof value === 'string') return bare ? value : undefined;
  if (!isRecord(value)) return undefined;
  const e = value.error ?? value.errors;
  if (typeof e === 'string' && e.trim() !== '') return e.trim();
  if (isRecord(e)) return textOf(e.message ?? e.text ?? e.error) ?? JSON.stringify(e);
  if (Array.isArray(e) && e.length > 0) return e.map((x) => textOf(x) ?? JSON.stringify(x)).join('; ');
  if (e === true || e === 1) return textOf(value.message) ?? 'error';
  if (typeof value.status === 'string' && /^(error|fail(ed|ure)?)$/i.test(value.status) && 'message' in value)
    return textOf(value.message) ?? value.status;
  return undefined;
}

function textOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

const WHAT: Record<ClassicAction, string> = {
  services: 'its service list',
  add: 'new orders',
  status: 'order look-ups',
  refill: 'refills',
  refill_status: 'refill status checks',
  cancel: 'cancellations',
  balance: 'balance checks',
};

/** The customer text of an `unsupported` error for an action. */
export function unsupportedText(action: ClassicAction): string {
  return `Sorry, this panel does not offer ${WHAT[action]} through the bot. Please contact support.`;
}

/** The typed error for a hard class; `text` is the panel's own words (for logs and staff). */
export function hardError(
  panel: string,
  action: ClassicAction,
  cls: 'unauthorized' | 'unsupported' | 'rate_limited' | 'unavailable',
  text: string,
): PanelError {
  const details = { panel, action, error: text };
  switch (cls) {
    case 'unauthorized':
      return new PanelError('unauthorized', `${action}: the panel refused the API key ("${text}")`, { details });
    case 'unsupported':
      return new PanelError('unsupported', `${action}: the panel does not support this action ("${text}")`, {
        details,
        customerMessage: unsupportedText(action),
      });
    case 'rate_limited':
      return new PanelError('rate_limited', `${action}: the panel is rate limiting ("${text}")`, { details });
    default:
      return new PanelError('unavailable', `${action}: the panel is unavailable ("${text}")`, { details });
  }
}

/** An answer that is not the shape this action returns. */
export function badShape(panel: string, action: ClassicAction, body: unknown, why = 'an unexpected shape'): PanelError {
  const text = JSON.stringify(body) ?? String(body);
  return new PanelError('bad_response', `${action}: the panel answered ${why}`, {
    details: { panel, action, body: text.length > 300 ? `${text.slice(0, 300)}…` : text },
  });
}
