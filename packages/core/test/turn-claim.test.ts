import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { type ClaimResult, silentLogger, TurnClaims, type TurnLease, VirtualClock } from '../src/index.js';

const LEASE = 30_000;
const MAX_TURN = 5 * 60_000;

function claims(clock: VirtualClock, kv = createMemoryStorage(clock).kv) {
  const c = new TurnClaims({ kv, clock }, { leaseMs: LEASE, maxTurnMs: MAX_TURN, doneTtlMs: 24 * 3_600_000 });
  return { kv, claim: () => c.claim('default', 'wh', 'm1', silentLogger) };
}

function owned(result: ClaimResult): TurnLease {
  if (result.kind !== 'owned') throw new Error(`expected to own the claim, got ${result.kind}`);
  return result.lease;
}

describe('turn claims: a lease with an owner, renewed while the turn runs', () => {
  it('tells a finished message (duplicate) from one still being handled (in_progress)', async () => {
    const clock = new VirtualClock();
    const { claim } = claims(clock);
    const lease = owned(await claim());
    expect((await claim()).kind).toBe('in_progress');
    await lease.done();
    expect((await claim()).kind).toBe('duplicate');
    // Still a duplicate long after the lease would have expired.
    await clock.advance(60 * 60_000);
    expect((await claim()).kind).toBe('duplicate');
  });

  it('a crashed holder (dropped without releasing) loses the message to a retry once its lease expires', async () => {
    const clock = new VirtualClock();
    const { claim } = claims(clock);
    const crashed = owned(await claim());
    await clock.advance(LEASE / 2);
    crashed.stop(); // the process dies: no more renewals, no release
    expect((await claim()).kind).toBe('in_progress');
    // The last renewal was at lease/3: the lease runs out one lease after it.
    await clock.advance(LEASE / 3 + LEASE - LEASE / 2 - 1);
    expect((await claim()).kind).toBe('in_progress');
    await clock.advance(1);
    const retry = owned(await claim());
    await retry.done();
    expect((await claim()).kind).toBe('duplicate');
  });

  it("a live holder's renewals keep everyone else out, however long the turn runs (up to maxTurnMs)", async () => {
    const clock = new VirtualClock();
    const { claim } = claims(clock);
    const live = owned(await claim());
    for (let i = 0; i < 8; i++) {
      await clock.advance(LEASE / 2);
      expect((await claim()).kind).toBe('in_progress');
    }
    await live.done();
    expect((await claim()).kind).toBe('duplicate');
  });

  it('gives up renewing a turn hung past maxTurnMs, so the message is not lost for good', async () => {
    const clock = new VirtualClock();
    const { claim } = claims(clock);
    owned(await claim()); // renews forever from its side, but never past maxTurnMs
    await clock.advance(MAX_TURN - 1);
    expect((await claim()).kind).toBe('in_progress');
    await clock.advance(1);
    expect((await claim()).kind).toBe('owned');
  });

  it('an abandoned claim (nothing reached the customer) may be taken again at once', async () => {
    const clock = new VirtualClock();
    const { claim } = claims(clock);
    await owned(await claim()).abandon();
    expect((await claim()).kind).toBe('owned');
  });

  it('keeps the dedupe key of earlier versions: a message marked done before an upgrade stays a duplicate', async () => {
    const clock = new VirtualClock();
    const { claim, kv } = claims(clock);
    await kv.set('default', 'dedupe:wh:m1', 'done', 60_000);
    expect((await claim()).kind).toBe('duplicate');
  });
});
