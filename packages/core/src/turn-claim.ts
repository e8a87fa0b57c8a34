import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import type { KeyValueStore, TenantId } from './storage.js';

export interface TurnClaimOptions {
  /**
   * How long a claim lives unless renewed. It is renewed while its turn runs, so this is how soon
   * after a worker dies mid-turn another worker may take the message. Default 30 s.
   */
  leaseMs: number;
  /** A claim is renewed at most this long after it was taken: a turn hung longer is given up. */
  maxTurnMs: number;
  /** Handled message ids are remembered this long, so redeliveries are never answered twice. */
  doneTtlMs: number;
}

export type ClaimResult =
  | { kind: 'owned'; lease: TurnLease }
  /** Handled already (by this or another worker). */
  | { kind: 'duplicate' }
  /** Another worker holds a live claim: its turn is running. Try again after its lease. */
  | { kind: 'in_progress' };

const DUPLICATE: ClaimResult = { kind: 'duplicate' };
const IN_PROGRESS: ClaimResult = { kind: 'in_progress' };
const DONE = 'done';
/** Owner tokens: a random id for this process and a counter (unique across processes, cheaper than a UUID each). */
const PROCESS_ID = randomUUID().slice(0, 18);
let owners = 0;

/**
 * Exactly-once turns across processes, on the shared key-value store. One key per inbound message,
 * `dedupe:<channel>:<id>`: while a turn runs it holds a lease, the owner's token with a short TTL
 * (`leaseMs`) that the owner renews; once handled it holds "done" for `doneTtlMs`. Unlike the bare
 * "processing" marker this replaces (5 minutes, no owner), a lease tells a dead holder from a live
 * one: a crashed holder stops renewing, its lease expires within `leaseMs`, and a retry then answers
 * the message instead of taking it for a duplicate.
 *
 * Why a value with a token rather than the store's Lock: taking and finishing a claim stay two
 * writes (set-if-absent, then "done"), as before; a Lock needs a separate "done" check and a release,
 * twice the writes on SQLite. Renewing and abandoning compare the token, then write: not atomic,
 * but the gap only matters to a holder already past its lease, and then the outcome is the Lock's
 * too (a turn is never aborted midway, so the late holder finishes either way; reply ids are
 * idempotent).
 */
export class TurnClaims {
  /** Leases of the turns running now: one timer renews them all, rather than one timer per turn. */
  private readonly active = new Set<TurnLease>();
  private timer?: TimerHandle;

  constructor(
    private readonly deps: { kv: KeyValueStore; clock: Clock },
    private readonly options: TurnClaimOptions,
  ) {}

  async claim(tenant: TenantId, channel: string, messageId: string, log: () => Logger): Promise<ClaimResult> {
    const { kv } = this.deps;
    const key = `dedupe:${channel}:${messageId}`;
    const owner = `${PROCESS_ID}:${++owners}`;
    // Twice at most: the key may expire between a refused set and the read.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await kv.setIfAbsent(tenant, key, owner, this.options.leaseMs)) {
        const lease = new TurnLease(tenant, key, owner, this.deps, this.options, log, () => this.active.delete(lease));
        this.active.add(lease);
        this.arm();
        return { kind: 'owned', lease };
      }
      const held = await kv.get(tenant, key);
      if (held === DONE) return DUPLICATE;
      // Anything else is a live claim: a lease, or the bare marker of a version before leases.
      if (held !== undefined) return IN_PROGRESS;
    }
    return IN_PROGRESS;
  }

  /**
   * Every third of a lease, renews the live leases: each is renewed within a third of a lease of
   * being taken, leaving two more chances before it lapses. When no turn runs, the timer is not
   * armed again (one last tick may fire on an empty set).
   */
  private arm(): void {
    if (this.timer) return;
    const every = Math.max(1, Math.floor(this.options.leaseMs / 3));
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      for (const lease of this.active) void lease.renew();
      if (this.active.size > 0) this.arm();
    }, every);
  }
}

/** A held claim on one message, renewed by its TurnClaims until `done`, `abandon` or `stop`. */
export class TurnLease {
  private ended = false;
  private renewing = false;
  private readonly deadline: number;

  constructor(
    private readonly tenant: TenantId,
    private readonly key: string,
    /** The owner token this lease's key holds while it is ours. */
    readonly owner: string,
    private readonly deps: { kv: KeyValueStore; clock: Clock },
    private readonly options: TurnClaimOptions,
    private readonly log: () => Logger,
    private readonly untrack: () => void,
  ) {
    this.deadline = deps.clock.now() + options.maxTurnMs;
  }

  /** Handled: the key now says "done" (for `doneTtlMs`), which keeps every redelivery out. */
  async done(): Promise<void> {
    this.stop();
    await this.deps.kv.set(this.tenant, this.key, DONE, this.options.doneTtlMs);
  }

  /** Nothing reached the customer: free the claim (if still ours) so a retry may try again at once. */
  async abandon(): Promise<void> {
    this.stop();
    const { kv } = this.deps;
    if ((await kv.get(this.tenant, this.key)) === this.owner) await kv.delete(this.tenant, this.key);
  }

  /** Stops renewing (idempotent); the lease then expires by itself. */
  stop(): void {
    this.ended = true;
    this.untrack();
  }

  /** Extends the lease by `leaseMs` if it is still ours, never past `maxTurnMs` from the claim. */
  async renew(): Promise<void> {
    if (this.ended || this.renewing) return;
    const left = this.deadline - this.deps.clock.now();
    if (left <= 0) {
      this.log().warn({ maxTurnMs: this.options.maxTurnMs }, 'turn outlived maxTurnMs: its claim is no longer renewed');
      this.stop();
      return;
    }
    this.renewing = true;
    const { kv } = this.deps;
    try {
      if ((await kv.get(this.tenant, this.key)) === this.owner) {
        await kv.set(this.tenant, this.key, this.owner, Math.min(this.options.leaseMs, left));
      } else {
        this.log().warn('turn claim lost: another worker may run this message (its replies keep their ids)');
        this.stop();
      }
    } catch (err) {
      // The store is unreachable for now: the next tick tries again while the lease may still be ours.
      this.log().warn({ err }, 'could not renew the turn claim');
    } finally {
      this.renewing = false;
    }
  }
}
