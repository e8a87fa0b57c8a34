/** `YYYY-MM` of an epoch-ms time in UTC: the key of monthly counters. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The days `YYYY-MM-DD` of the UTC month of `ms`, up to and including that day. */
export function daysOfMonthSoFar(ms: number): string[] {
  const d = new Date(ms);
  const out: string[] = [];
  for (let day = 1; day <= d.getUTCDate(); day++) {
    out.push(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), day)).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * Adds whole calendar months (or years) in UTC; the day is clamped to the target month's length, so
 * Jan 31 + 1 month is Feb 28 (or 29).
 */
export function addInterval(ms: number, interval: 'month' | 'year', count = 1): number {
  const d = new Date(ms);
  const months = interval === 'year' ? 12 * count : count;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), last);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export const DAY_MS = 86_400_000;

/** Epoch ms → ISO string; null when absent. */
export const iso = (ms: number | null | undefined): string | null =>
  ms === undefined || ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
