import { nextCronTime, SmmbotError } from '@smmbot/core';
import { defaultRepeatStrategy, type RepeatOptions } from 'bullmq';

const FIXED_OFFSET = /^UTC(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/;

/**
 * The `tz` BullMQ gets for a tenant's fixed UTC offset (`UTC+6`, as tenants configure it).
 *
 * Whole hours become the IANA zone `Etc/GMT∓N` with the sign inverted: those zone names follow the
 * POSIX TZ convention, where the number counts hours *west* of Greenwich, so `Etc/GMT-6` is six
 * hours *ahead* of UTC (UTC+6, Dhaka) and `Etc/GMT+5` is UTC-5. They have no daylight saving, so a
 * fixed offset stays fixed, and every BullMQ tool shows a real zone.
 *
 * Offsets with minutes (`UTC+5:30`, `UTC+5:45`) have no Etc zone: they are passed through as they
 * are and computed by `fixedOffsetRepeatStrategy` (core's `nextCronTime`), which every BullScheduler
 * installs on its queue and worker. No timezone means UTC (`Etc/UTC`), as with the local scheduler,
 * never the server's local time (BullMQ's default).
 */
export function bullTimezone(timezone: string | undefined): string {
  const m = FIXED_OFFSET.exec(timezone ?? 'UTC');
  if (!m) {
    throw new SmmbotError('E_CONFIG_INVALID', `timezone "${timezone}" is not a UTC offset like UTC+6`);
  }
  const [, sign, hours, minutes] = m;
  if (!sign || (Number(hours) === 0 && Number(minutes ?? 0) === 0)) return 'Etc/UTC';
  if (Number(minutes ?? 0) !== 0) return `UTC${sign}${Number(hours)}:${minutes}`;
  const h = Number(hours);
  if (sign === '+' ? h > 14 : h > 12) {
    throw new SmmbotError('E_CONFIG_INVALID', `timezone "${timezone}" is outside UTC-12 … UTC+14`);
  }
  return `Etc/GMT${sign === '+' ? '-' : '+'}${h}`;
}

/**
 * BullMQ's repeat strategy, plus the fixed offsets with minutes that `bullTimezone` passes through.
 * Install it on every queue and worker of the scheduler: the worker that starts a run computes the
 * next one.
 */
export function fixedOffsetRepeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  if (opts.pattern && opts.tz?.startsWith('UTC')) return nextCronTime(opts.pattern, opts.tz, millis);
  return defaultRepeatStrategy(millis, opts);
}
