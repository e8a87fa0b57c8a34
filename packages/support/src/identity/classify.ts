import { normalizeText, type ParsedCommand, parseCommand } from '@smmbot/core';

/**
 * What an unlinked customer's message means to the verification flow. The flow runs in `verify`,
 * before the engine parses the command, so it parses (cheaply) on its own.
 *
 * - `admin`: a `!command` (passed on: the command taps answer, usually `permission_denied`)
 * - `allowed`: any other command: works unverified (help, services, my username, custom commands)
 * - `order`: needs a linked account (order, refill, cancel, balance, ...)
 * - `greeting`: hello, hi, salam, good morning, ...
 * - `code`: a bare 6-digit number (`284719`, `284 719`)
 * - `username`: one word that can be a panel username (`johndoe123`, `@john.doe`, `my username is john`)
 * - `other`: anything else
 */
export type FlowInput =
  | { kind: 'admin' | 'allowed' | 'greeting' | 'other'; command: ParsedCommand }
  | { kind: 'order'; command: ParsedCommand }
  | { kind: 'code'; code: string; command: ParsedCommand }
  | { kind: 'username'; username: string; command: ParsedCommand };

/** Commands that act on a panel account: an unlinked customer is asked to verify first. */
const NEEDS_ACCOUNT = new Set([
  'order',
  'refill',
  'refill_status',
  'cancel',
  'speedup',
  'refund',
  'partial',
  'fake_complete',
  'balance',
  'ticket',
]);

const GREETING =
  /^(hi+|hello+|hell?o there|hey+( there)?|hiya|howdy|yo|salam|salaam|as?-?salamu? ?(a|o)?laikum|assalamualaikum|hola|namaste|greetings|good (morning|afternoon|evening|day))\b/;
/** Short chatter that must not be looked up as a username. */
const NOT_A_USERNAME = new Set([
  'ok',
  'okay',
  'k',
  'yes',
  'no',
  'yeah',
  'yep',
  'nope',
  'thanks',
  'thank',
  'thx',
  'ty',
  'hmm',
  'lol',
  'bro',
  'sir',
  'please',
  'pls',
  'what',
  'why',
  'who',
  'how',
]);
const USERNAME = /^@?([a-z0-9][a-z0-9._@+-]{0,63})$/;
const CODE = /^(\d{3})[\s-]?(\d{3})$/;

export function isGreeting(normalized: string): boolean {
  const words = normalized.replace(/[^\p{L}\p{N}\s-]/gu, ' ').trim();
  return GREETING.test(words) && words.split(/\s+/).length <= 4;
}

/** A token that could be a panel username, lower-cased; undefined for chatter. */
export function usernameOf(text: string): string | undefined {
  const m = USERNAME.exec(
    text
      .trim()
      .toLowerCase()
      .replace(/[.!?,]+$/, ''),
  );
  if (!m || NOT_A_USERNAME.has(m[1]!) || isGreeting(m[1]!)) return undefined;
  return m[1]!;
}

export function classify(text: string, maxIds?: number, parsed?: ParsedCommand): FlowInput {
  // The engine's parse (with the tenant's aliases and custom words) when there is one.
  const command = parsed ?? parseCommand(text, { maxIds });
  const normalized = command.normalized;
  if (command.admin || normalized.startsWith('!')) return { kind: 'admin', command };
  const code = CODE.exec(normalizeText(text));
  if (code) return { kind: 'code', code: code[1]! + code[2]!, command };
  if (command.codeLike) return { kind: 'code', code: normalized.replace(/\D/g, ''), command };
  if (command.id === 'greeting' || (command.id === 'unknown' && isGreeting(normalized))) {
    return { kind: 'greeting', command };
  }
  if (command.id === 'my_username') {
    // "my username is johndoe" answers the flow's question; a bare "my username" asks the bot.
    const named = /^(?:is\s+)?(\S+)$/.exec(command.extraText);
    const username = named ? usernameOf(named[1]!) : undefined;
    return username ? { kind: 'username', username, command } : { kind: 'allowed', command };
  }
  if (NEEDS_ACCOUNT.has(command.id)) return { kind: 'order', command };
  // help, services, tenant custom commands, staff commands (refused by their own taps), ...
  if (command.id !== 'unknown') return { kind: 'allowed', command };
  const username = usernameOf(normalized);
  return username ? { kind: 'username', username, command } : { kind: 'other', command };
}
