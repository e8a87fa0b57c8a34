/** Customer commands (spec "Order Commands"), plus `greeting`, which starts the verification flow. */
export const CUSTOMER_COMMAND_IDS = [
  'help',
  'greeting',
  'order',
  'refill',
  'refill_status',
  'cancel',
  'speedup',
  'refund',
  'partial',
  'fake_complete',
  'balance',
  'services',
  'ticket',
  'my_username',
] as const;

/** Admin commands: always written with a leading `!` (spec "Admin & Staff Commands"). */
export const ADMIN_COMMAND_IDS = [
  'admin.status',
  'admin.broadcast',
  'admin.group_flag',
  'admin.resolve',
  'admin.config',
  'admin.verify_users',
  'admin.remove_users',
  'admin.users',
  'admin.groups',
  'admin.marketing',
] as const;

/** Staff commands: written without `!` (`refill verify <ids>`, `<ids> provider status`). */
export const STAFF_COMMAND_IDS = ['staff.refill_verify', 'staff.provider_status'] as const;

/** Every canonical command id the parser produces (besides tenant `custom:<trigger>` ids). */
export const COMMAND_IDS = [...CUSTOMER_COMMAND_IDS, ...ADMIN_COMMAND_IDS, ...STAFF_COMMAND_IDS, 'unknown'] as const;

export type CustomerCommandId = (typeof CUSTOMER_COMMAND_IDS)[number];
export type AdminCommandId = (typeof ADMIN_COMMAND_IDS)[number];
export type StaffCommandId = (typeof STAFF_COMMAND_IDS)[number];
export type BuiltinCommandId = (typeof COMMAND_IDS)[number];
/** A tenant's custom command: `custom:` + its trigger as configured (trimmed), e.g. `custom:Payment methods`. */
export type CustomCommandId = `custom:${string}`;

/** Canonical command ids. The command hook is keyed by these; `unknown` takes free text. */
export type CommandId = BuiltinCommandId | CustomCommandId | (string & {});

const BUILTIN = new Set<string>(COMMAND_IDS);
export function isBuiltinCommandId(id: string): id is BuiltinCommandId {
  return BUILTIN.has(id);
}

/** Statuses `!resolve <ids> <status>` accepts (spec "Ticket AI"). */
export const SUPPORT_STATUSES = ['open', 'escalated', 'ticket created', 'resolved', 'ignored'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

/** Group flags `!support|!marketing|!silent enable|disable` toggle. */
export const GROUP_FLAGS = ['support', 'marketing', 'silent'] as const;
export type GroupFlag = (typeof GROUP_FLAGS)[number];

/** `!marketing add <text>` (text as written), `list`, `remove <n>` (1-based, as `list` numbers them), `now`. */
export type MarketingArgs =
  | { op: 'add'; text: string }
  | { op: 'list' }
  | { op: 'remove'; index: number }
  | { op: 'now' };

export type ConfigArgs = { op: 'set'; key: string; value: string } | { op: 'get'; key: string } | { op: 'list' };

/** The structured arguments of each admin/staff command. */
export interface AdminArgsMap {
  'admin.status': Record<string, never>;
  /** The message exactly as written after `!broadcast`: original case, line breaks and formatting. */
  'admin.broadcast': { message: string };
  'admin.group_flag': { flag: GroupFlag; enable: boolean };
  /** The ids are the command's `ids`. */
  'admin.resolve': { status: SupportStatus };
  /** Keys are lower-cased; a `set` value keeps its original case (one pair of surrounding quotes is dropped). */
  'admin.config': ConfigArgs;
  /** The panel username as written (case kept, NFKC-folded, a leading `@` dropped). */
  'admin.verify_users': { username: string };
  'admin.remove_users': { username: string };
  'admin.users': Record<string, never>;
  'admin.groups': Record<string, never>;
  /** `!marketing enable|disable` stays `admin.group_flag`; the message-rotation subcommands are this. */
  'admin.marketing': MarketingArgs;
  /** The ids are the command's `ids`. */
  'staff.refill_verify': Record<string, never>;
  'staff.provider_status': Record<string, never>;
}
export type AdminArgs = AdminArgsMap[keyof AdminArgsMap];

/** Per-call parser options; the tenant's config supplies them. */
export interface ParseOptions {
  /** Most order ids kept from one message (default 100); more sets `truncated`. */
  maxIds?: number;
  /** Tenant words for built-in commands, e.g. `{ rf: 'refill', 'ریفیل': 'refill' }`. They win over built-in words. */
  aliases?: Readonly<Record<string, CommandId>>;
  /** Tenant trigger words/phrases, matched like verbs; a match gives the id `custom:<trigger>` (as configured, trimmed). */
  custom?: readonly string[];
}

/** The parser's result. Parsing never throws: anything it cannot place is `unknown`. */
export interface ParsedCommand {
  id: CommandId;
  /** Order (or ticket) ids, 1-12 digits, in the order written, without duplicates, at most `maxIds`. */
  ids: string[];
  /**
   * Admin/staff commands: the lower-cased words after the verb (`!config set chat_mode ai` → ['set',
   * 'chat_mode', 'ai']; `!resolve` without its ids); an unrecognised `!word`: its words; otherwise [].
   */
  args: string[];
  /**
   * Text that is neither verb nor ids: the customer's own words as written (case kept, whitespace folded,
   * separators `# , : ;` dropped). Empty for admin commands (see `adminArgs`).
   */
  extraText: string;
  /** Ids + action + extra text: run the action, then console; staff see it flagged. */
  dirty: boolean;
  /** Staff/admin command (`!status`, `refill verify`, ...), or an unrecognised `!word`. */
  admin: boolean;
  /** The text as received. */
  raw: string;
  /** The text after NFKC, other scripts' digits to ASCII, lower-casing and whitespace folding (see `lex`). */
  normalized: string;
  /** The verb phrase that matched, normalized (`refil`, `speed-up`, a tenant alias, ...). */
  verb?: string;
  /** More distinct ids than `maxIds` were given; `ids` holds the first `maxIds`. Always set by `parseCommand`. */
  truncated?: boolean;
  /** The message is a bare 6-digit number (`284719`): the OTP step reads it. Always set by `parseCommand`. */
  codeLike?: boolean;
  /** Admin/staff commands whose arguments parsed: their structured form (see `adminArgsOf`). */
  adminArgs?: AdminArgs;
  /** Admin/staff commands whose arguments are missing or invalid: why, with the usage line. */
  argsError?: string;
}

/** The typed `adminArgs` of `command` when it is the admin/staff command `id` and its arguments parsed. */
export function adminArgsOf<K extends keyof AdminArgsMap>(command: ParsedCommand, id: K): AdminArgsMap[K] | undefined {
  return command.id === id ? (command.adminArgs as AdminArgsMap[K] | undefined) : undefined;
}

/** Per-tenant command words, registered under `Tokens.CommandLexicon` (e.g. by the support plugin). */
export interface CommandLexicon {
  /** Must return the same object for the same tenant while unchanged: the parser compiles it once per object. */
  forTenant(tenant: string): Pick<ParseOptions, 'aliases' | 'custom'>;
}
