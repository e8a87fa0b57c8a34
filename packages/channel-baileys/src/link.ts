import { Listeners } from '@smmbot/core';
import type { Clock, LinkState, LinkStatus, Logger, TimerHandle } from '@smmbot/core';
import type { LoginInfo, ReachoutTimelockLike } from './socket.js';

/** WhatsApp's code for the reach-out timelock (NACK 463: new chats are blocked, existing ones work). */
export const TIMELOCK_CODE = 463;

/** An active reach-out timelock: until when (epoch ms, when WhatsApp says) and why. */
export interface Timelock {
  until?: number;
  type?: string;
}

/** Baileys' `ReachoutTimelockState` → our record; `undefined` when no timelock is active. */
export function timelockOf(state: ReachoutTimelockLike): Timelock | undefined {
  if (state.isActive !== true) return undefined;
  const ends = state.timeEnforcementEnds;
  const until = ends === undefined ? undefined : new Date(ends).getTime();
  return {
    ...(until !== undefined && Number.isFinite(until) ? { until } : {}),
    ...(state.enforcementType ? { type: state.enforcementType } : {}),
  };
}

function timelockText(lock: Timelock): string {
  const until = lock.until === undefined ? 'until further notice' : `until ${new Date(lock.until).toISOString()}`;
  return `reach-out timelock (${lock.type ?? 'DEFAULT'}): new chats are blocked ${until}`;
}

function detailed(state: LinkState, info: LoginInfo, fallback?: string): LinkStatus {
  const reason = info.reason ?? fallback;
  return { state, ...(reason ? { reason } : {}), ...(info.code !== undefined ? { code: info.code } : {}) };
}

/**
 * The channel's status → LinkStatus. `open` → connected (with the timelock as reason and code 463
 * while one is active); `connecting`, `qr` (waiting for a scan or a pairing code) and `reconnecting`
 * (with the close code) → connecting; `logged_out` (401/411) → logged_out; `banned` (402/403/406)
 * → banned; `idle`, `stopped` and `failed` (405, the 440 loop guard, too many attempts) → disconnected.
 */
export function toLinkStatus(info: LoginInfo, timelock: Timelock | undefined, now: number): LinkStatus {
  switch (info.status) {
    case 'open':
      if (timelock && (timelock.until === undefined || timelock.until > now)) {
        return { state: 'connected', reason: timelockText(timelock), code: TIMELOCK_CODE };
      }
      return { state: 'connected' };
    case 'connecting':
      return { state: 'connecting' };
    case 'qr':
      return {
        state: 'connecting',
        reason: info.pairingCode
          ? 'waiting for the pairing code to be entered on the phone'
          : 'waiting for the QR scan',
      };
    case 'reconnecting':
      return detailed('connecting', info);
    case 'logged_out':
      return detailed('logged_out', info);
    case 'banned':
      return detailed('banned', info);
    case 'failed':
      return detailed('disconnected', info);
    case 'idle':
      return { state: 'disconnected', reason: 'not started' };
    case 'stopped':
      return { state: 'disconnected', reason: 'stopped' };
  }
}

const sameLink = (a: LinkStatus, b: LinkStatus) => a.state === b.state && a.reason === b.reason && a.code === b.code;

/** Longest delay a Node timer takes (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps the LinkStatus derived from the channel's status and the account's timelock, and tells
 * listeners each time it changes (also when a timelock expires: a timer on the clock re-checks).
 */
export class LinkTracker {
  private timelock?: Timelock;
  private last: LinkStatus;
  private timer?: TimerHandle;
  private readonly listeners: Listeners<LinkStatus>;

  constructor(
    private readonly info: () => LoginInfo,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.listeners = new Listeners(logger, 'link');
    this.last = this.current();
  }

  current(): LinkStatus {
    return toLinkStatus(this.info(), this.timelock, this.clock.now());
  }

  on(listener: (status: LinkStatus) => void): () => void {
    return this.listeners.add(listener);
  }

  /** When the active timelock ends (epoch ms), if one is active and WhatsApp said when. */
  timelockUntil(): number | undefined {
    const until = this.timelock?.until;
    return until !== undefined && until > this.clock.now() ? until : undefined;
  }

  /** Re-derives the status; listeners hear about it only when it changed. */
  update(): void {
    const next = this.current();
    if (sameLink(next, this.last)) return;
    this.last = next;
    this.listeners.emit({ ...next });
  }

  /** A `reachoutTimeLock` from `connection.update`: recorded for `link().reason` (no message id to report). */
  setTimelock(state: ReachoutTimelockLike): void {
    this.timelock = timelockOf(state);
    if (this.timelock)
      this.logger.warn({ timelock: this.timelock }, 'whatsapp reach-out timelock: new chats are blocked');
    else this.logger.info({ enforcementType: state.enforcementType }, 'whatsapp reach-out timelock lifted');
    this.arm();
    this.update();
  }

  /** (Re)schedules the expiry check of the timelock; `stop()` clears it. */
  arm(): void {
    this.disarm();
    const until = this.timelockUntil();
    if (until === undefined) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.update();
        this.arm();
      },
      Math.min(MAX_TIMER_MS, until - this.clock.now()),
    );
  }

  disarm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
