/** Canonical command ids. The command hook is keyed by these; `unknown` takes free text. */
export type CommandId =
  | 'help'
  | 'order'
  | 'refill'
  | 'refill_status'
  | 'cancel'
  | 'speedup'
  | 'refund'
  | 'partial'
  | 'fake_complete'
  | 'balance'
  | 'services'
  | 'ticket'
  | 'my_username'
  | 'unknown'
  | (string & {});

/** The parser's result. Parsing never throws: anything it cannot place is `unknown`. */
export interface ParsedCommand {
  id: CommandId;
  /** Order (or ticket) ids, in the order written, without duplicates. */
  ids: string[];
  /** Words after the verb that are not ids (e.g. `!config set chat_mode ai` → ['set', 'chat_mode', 'ai']). */
  args: string[];
  /** Text that is neither verb nor ids: the customer's own words. */
  extraText: string;
  /** Ids + action + extra text: run the action, then console; staff see it flagged. */
  dirty: boolean;
  /** Staff/admin command (`!status`, `refill verify`, ...). */
  admin: boolean;
  /** The text as received. */
  raw: string;
  /** The text after NFKC, lower-casing and whitespace folding. */
  normalized: string;
}
