import { utcOffsetMinutes } from '@smmbot/core';
import type { WorkingHours } from './config.js';
import { DAY_MS } from './policy.js';

const MIN = 60_000;

/**
 * A daily window in a fixed UTC offset. Pure arithmetic on minutes of the local day, so checking
 * costs nothing and virtual time needs no time zone database.
 */
export class SendWindow {
  private readonly from: number;
  private readonly to: number;
  private readonly offsetMs: number;

  constructor(hours: WorkingHours) {
    this.from = minutes(hours.from);
    this.to = minutes(hours.to);
    this.offsetMs = utcOffsetMinutes(hours.timezone) * MIN;
  }

  /** Minute of the local day at `now`. */
  private localMinute(now: number): number {
    const local = (((now + this.offsetMs) % DAY_MS) + DAY_MS) % DAY_MS;
    return Math.floor(local / MIN);
  }

  isOpen(now: number): boolean {
    if (this.from === this.to) return true;
    const m = this.localMinute(now);
    return this.from < this.to ? m >= this.from && m < this.to : m >= this.from || m < this.to;
  }

  /** The next moment the window opens (now when open). */
  nextOpen(now: number): number {
    if (this.isOpen(now)) return now;
    const local = now + this.offsetMs;
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
    let open = dayStart + this.from * MIN;
    if (open <= local) open += DAY_MS;
    return open - this.offsetMs;
  }

  /** When the current open window closes (undefined when closed or always open). */
  closesAt(now: number): number | undefined {
    if (this.from === this.to || !this.isOpen(now)) return undefined;
    const local = now + this.offsetMs;
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
    let close = dayStart + this.to * MIN;
    if (close <= local) close += DAY_MS;
    return close - this.offsetMs;
  }

  /** Open milliseconds in [start, end), for the simulator's capacity figure. */
  openMsBetween(start: number, end: number): number {
    let total = 0;
    let t = start;
    while (t < end) {
      const open = this.nextOpen(t);
      if (open >= end) break;
      const close = this.closesAt(open) ?? end;
      total += Math.min(close, end) - open;
      t = Math.min(close, end);
    }
    return total;
  }
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
