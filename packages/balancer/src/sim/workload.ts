import { type OutboundMessage, type ReplyPriority, utcOffsetMinutes } from '@smmbot/core';
import { intBetween } from './random.js';
import { DAY } from './rules.js';
import type { ArrivalPattern, SimConfig } from './simulate.js';

/** The simulator's workload: when messages arrive and what they are (seeded, repeatable). */

/** Office hours with a trickle at night, per local hour. */
const OFFICE: readonly number[] = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.2, 1.2, 1.2, 1, 1, 1.2, 1.2, 1.1, 1, 0.9, 0.8, 0.6, 0.4, 0.2, 0.1,
];

export interface PlannedMessage {
  at: number;
  message: OutboundMessage & { id: string };
  valid: boolean;
}

export function planMessages(
  config: SimConfig,
  tenant: string,
  start: number,
  end: number,
  phones: readonly string[],
  rand: () => number,
): PlannedMessage[] {
  const { min, max } = config.textLength ?? { min: 40, max: 160 };
  const recipients = Math.max(1, config.recipients);
  const invalid = new Set<number>();
  for (let r = 0; r < recipients; r++) if (rand() < (config.rejectRate ?? 0)) invalid.add(r);
  const times = arrivalTimes(config.arrivals, config.messages, start, end, rand);
  const out: PlannedMessage[] = [];
  for (let i = 0; i < times.length; i++) {
    const r = Math.floor(rand() * recipients);
    const reply = rand() < (config.replyShare ?? 0);
    const priority: ReplyPriority = reply ? 'support' : rand() < 0.2 ? 'system' : 'marketing';
    const len = intBetween(rand, min, max);
    const id = `m${i + 1}`;
    const text = `Reminder ${id}: your invoice is due. `.padEnd(len, '.').slice(0, len);
    const chatId = `${77_000_000_000 + r}@s.whatsapp.net`;
    const message = reply
      ? { id, tenantId: tenant, channel: phones[Math.floor(rand() * phones.length)]!, chatId, text, priority }
      : { id, tenantId: tenant, channel: '*', route: 'pool' as const, chatId, text, priority };
    out.push({ at: times[i]!, message, valid: !invalid.has(r) });
  }
  return out;
}

function arrivalTimes(p: ArrivalPattern, n: number, start: number, end: number, rand: () => number): number[] {
  const days = Math.max(1, Math.round((end - start) / DAY));
  const times: number[] = [];
  if (p.kind === 'upfront') return new Array<number>(n).fill(start);
  if (p.kind === 'uniform') {
    for (let i = 0; i < n; i++) times.push(start + Math.floor(rand() * (end - start)));
    return times.sort((a, b) => a - b);
  }
  const hourly = p.hourly ?? OFFICE;
  const offset = p.timezone ? utcOffsetMinutes(p.timezone) * 60_000 : 0;
  const total = hourly.reduce((a, b) => a + b, 0);
  /** A random instant on day k by the hourly profile, in UTC, clipped to the run. */
  const instant = (): number => {
    const k = Math.floor(rand() * days);
    let x = rand() * total;
    let h = 0;
    while (h < hourly.length - 1 && x >= hourly[h]!) x -= hourly[h++]!;
    const local = k * DAY + h * 3_600_000 + Math.floor(rand() * 3_600_000);
    return Math.min(end - 1, Math.max(start, start + local - offset));
  };
  if (p.kind === 'daily') {
    for (let i = 0; i < n; i++) times.push(instant());
    return times.sort((a, b) => a - b);
  }
  const bursts = Math.max(1, days * p.perDay);
  const at = Array.from({ length: bursts }, instant).sort((a, b) => a - b);
  for (let i = 0; i < n; i++) times.push(at[Math.floor((i * bursts) / n)]!);
  return times;
}
