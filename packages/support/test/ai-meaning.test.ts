import { describe, expect, it } from 'vitest';
import { checkFacts } from '../src/ai/facts.js';

describe('a rewrite keeps the outcome, not only the facts', () => {
  const refusal = 'Order #1009 cannot be refilled: it is In progress. Refills are for completed orders.';

  it('rejects a refusal turned into a confirmation with the same ids and status words', () => {
    const flipped = 'Good news! Order #1009 (In progress) has been refilled and your completed orders are safe.';
    const check = checkFacts(refusal, flipped);
    expect(check.ok).toBe(false);
    expect(check.problems.join(' ')).toMatch(/added_claim:refilled|dropped_negation/);
  });

  it('accepts a faithful, friendlier wording of the same refusal', () => {
    const faithful =
      'Sorry, order #1009 is still In progress, so it cannot be refilled yet — refills are for completed orders.';
    expect(checkFacts(refusal, faithful)).toEqual({ ok: true, problems: [] });
  });

  it('accepts a confirmation that stays a confirmation', () => {
    const manual = 'Refill requested for order #1001. We will update you when it is done.';
    const rewrite = 'All set: a refill was requested for order #1001, and we will update you once it is done.';
    expect(checkFacts(manual, rewrite).ok).toBe(true);
  });
});
