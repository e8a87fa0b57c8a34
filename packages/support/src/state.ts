import type { Turn } from '@smmbot/core';
import type { GroupRecord, IdentityRecord, LogRecord } from './records.js';

/** What the message log records about a turn; handlers fill it in as they go. */
export interface LogDraft {
  action?: string;
  orderIds: string[];
  provider?: string;
  providerOrderIds: string[];
  result?: LogRecord['result'];
  reason?: string;
  /** Set for turns that are not worth a log line (duplicates of nothing, unknown chatter in groups). */
  skip?: boolean;
}

/** Per-turn state of the support workflow, shared by its taps through `turn.state.support`. */
export interface SupportState {
  identity?: IdentityRecord;
  group?: GroupRecord;
  log: LogDraft;
}

export function supportState(turn: Turn): SupportState {
  let state = turn.state.support as SupportState | undefined;
  if (!state) {
    state = { log: { orderIds: [], providerOrderIds: [] } };
    turn.state.support = state;
  }
  return state;
}
