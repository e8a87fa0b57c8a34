import type { BalancerOptions, Rules } from '../config.js';
import type { Attempt } from './phone.js';
import { ageAt, capAt, cooldownAfter, Hours, rulesFor, seniorityAt, utcDayOf } from './rules.js';

export type Rule =
  | 'daily-cap'
  | 'company-daily-limit'
  | 'recipient-cooldown'
  | 'working-hours'
  | 'phone-cooldown'
  | 'banned-phone'
  | 'duplicate-send'
  | 'choice';

export interface Violation {
  rule: Rule;
  at: number;
  phone?: string;
  jobId?: string;
  detail: string;
}

export interface CheckedPhone {
  name: string;
  registeredAt: number;
  /** When the platform banned it, with the log position of the ban, and how the balancer could learn of it. */
  ban?: { at: number; seq: number; mode: 'link' | 'error' | 'both' };
}

/** A phone as the balancer saw it when deciding: only what the send log cannot tell. */
export interface DecisionPhone {
  name: string;
  /** Connected and neither banned nor logged out. */
  usable: boolean;
  busy: boolean;
  timelockUntil: number;
  /** The balancer's own view, for the violation details only (the check derives its own). */
  view?: { todaySent: number; cooldownUntil: number; score: number };
}

/** One scheduling decision that consulted the phones (recorded through `metrics.onDecision`). */
export interface DecisionRecord {
  seq: number;
  at: number;
  jobId: string;
  lane: 0 | 1 | 2;
  sticky: string | undefined;
  kind: 'start' | 'hold' | 'full';
  phone?: string;
  phones: DecisionPhone[];
}

export interface CheckInput {
  tenant: string;
  options: BalancerOptions;
  phones: readonly CheckedPhone[];
  attempts: readonly Attempt[];
  decisions?: readonly DecisionRecord[];
}

const EPS = 1e-9;

/**
 * Checks a run's send log against the rules, independently of the balancer's own bookkeeping:
 * counts come from what the phones actually sent, the formulas from ./rules.ts. Replies (priority
 * `support`) are held to the rules `rules.replies` does not exempt them from. With a decision log
 * it also checks every phone choice against the spec's score: the phone chosen had the lowest
 * score among the phones eligible at that moment, a job waited only when that phone was cooling,
 * and a job was deferred as "all phones full" only when none had room.
 */
export function checkRun(input: CheckInput): Violation[] {
  const { options, tenant } = input;
  const tenantRules = rulesFor(options, tenant);
  const hours = new Hours(tenantRules.workingHours);
  const phoneRules = new Map(input.phones.map((p) => [p.name, rulesFor(options, tenant, p.name)] as const));
  const phoneInfo = new Map(input.phones.map((p) => [p.name, p] as const));
  const violations: Violation[] = [];
  const add = (v: Violation) => violations.push(v);
  const isReply = (a: Attempt) => a.priority === 'support';
  const sends = input.attempts.filter((a) => a.outcome === 'sent');

  const seen = new Set<string>();
  for (const s of sends) {
    if (seen.has(s.jobId))
      add({ rule: 'duplicate-send', at: s.at, phone: s.phone, jobId: s.jobId, detail: 'sent twice' });
    seen.add(s.jobId);
  }

  // Working hours.
  for (const s of sends) {
    if (isReply(s) && !tenantRules.replies.workingHours) continue;
    if (!hours.isOpen(s.at))
      add({ rule: 'working-hours', at: s.at, phone: s.phone, jobId: s.jobId, detail: 'sent outside the window' });
  }

  // Per phone: daily cap (with warm-up by age), rest after each send (and after a dropped connection).
  const replay = new Replay(input, phoneRules);
  for (const a of input.attempts) {
    const t = replay.before(a);
    if (!t) continue;
    if (t.restUntil > a.at) {
      add({
        rule: 'phone-cooldown',
        at: a.at,
        phone: a.phone,
        jobId: a.jobId,
        detail: `attempt ${t.restUntil - a.at} ms before the phone's rest ends (${t.restWhy})`,
      });
    }
    if (a.outcome === 'sent') {
      const rules = phoneRules.get(a.phone)!;
      const registeredAt = phoneInfo.get(a.phone)!.registeredAt;
      const count = t.today + 1;
      const cap = capAt(rules, registeredAt, a.at);
      if ((!isReply(a) || rules.replies.dailyCap) && count > cap) {
        add({
          rule: 'daily-cap',
          at: a.at,
          phone: a.phone,
          jobId: a.jobId,
          detail: `send #${count} of UTC day ${utcDayOf(a.at)}, cap ${cap} at age ${ageAt(registeredAt, a.at).toFixed(2)} d`,
        });
      }
    }
    replay.apply(a);
  }
  for (const p of input.phones) {
    if (!p.ban) continue;
    const after = input.attempts.filter((a) => a.phone === p.name && a.seq > p.ban!.seq);
    // A ban the platform only shows by failing a send costs that one attempt; a second is a violation.
    const firstFailure = after.findIndex((a) => a.outcome === 'banned');
    const allowed = p.ban.mode === 'error' ? (firstFailure < 0 ? 0 : firstFailure + 1) : 0;
    for (const a of after.slice(allowed)) {
      add({
        rule: 'banned-phone',
        at: a.at,
        phone: p.name,
        jobId: a.jobId,
        detail: `attempt (${a.outcome}) after the ban`,
      });
    }
    for (const a of after.slice(0, allowed)) {
      if (a.outcome === 'sent')
        add({ rule: 'banned-phone', at: a.at, phone: p.name, jobId: a.jobId, detail: 'sent after the ban' });
    }
  }

  // Recipient cooldown: a non-exempt send needs the cooldown since the last send to that chat.
  if (tenantRules.recipientCooldownMs > 0) {
    for (const [chat, list] of groupBy(sends, (s) => s.chatId)) {
      for (let i = 1; i < list.length; i++) {
        const s = list[i]!;
        if (isReply(s) && !tenantRules.replies.recipientCooldown) continue;
        const gap = s.at - list[i - 1]!.at;
        if (gap < tenantRules.recipientCooldownMs) {
          add({
            rule: 'recipient-cooldown',
            at: s.at,
            phone: s.phone,
            jobId: s.jobId,
            detail: `${chat}: ${gap} ms after the previous message`,
          });
        }
      }
    }
  }

  // Company daily limit (replies excluded).
  const limit = tenantRules.companyDailyLimit;
  if (limit !== null) {
    for (const [day, list] of groupBy(
      sends.filter((s) => !isReply(s)),
      (s) => utcDayOf(s.at),
    )) {
      if (list.length > limit) {
        add({
          rule: 'company-daily-limit',
          at: list[limit]!.at,
          detail: `${list.length} company messages on UTC day ${day}, limit ${limit}`,
        });
      }
    }
  }

  if (input.decisions) checkChoices(input, tenantRules, phoneRules, violations);
  return violations;
}

interface Tally {
  day: number;
  today: number;
  sent: number;
  failed: number;
  /** The phone may not start a send before this: cooldown after a send, pause after a dropped connection. */
  restUntil: number;
  restWhy: string;
}

/**
 * Each phone's counters as the log goes: today's sends (UTC day), sends and counted failures,
 * and its rest: delayMax × seniority after a send; after a dropped connection (`unavailable`) that
 * is retried, min(60 s, 3 s × the job's attempts so far), as cycle.ts pauses the phone.
 */
class Replay {
  private readonly tallies = new Map<string, Tally>();
  private readonly jobAttempts = new Map<string, number>();
  private readonly info: Map<string, CheckedPhone>;

  constructor(
    private readonly input: CheckInput,
    private readonly rules: Map<string, Rules>,
  ) {
    this.info = new Map(input.phones.map((p) => [p.name, p] as const));
  }

  /** The phone's tally just before attempt `a` (rolled to a's UTC day), or undefined for an unknown phone. */
  before(a: Attempt): Tally | undefined {
    if (!this.info.has(a.phone)) return undefined;
    return this.at(a.phone, a.at);
  }

  at(name: string, now: number): Tally {
    const t = this.tallies.get(name) ?? { day: -1, today: 0, sent: 0, failed: 0, restUntil: 0, restWhy: '' };
    this.tallies.set(name, t);
    const day = utcDayOf(now);
    if (t.day !== day) {
      t.day = day;
      t.today = 0;
    }
    return t;
  }

  apply(a: Attempt): void {
    const info = this.info.get(a.phone);
    const rules = this.rules.get(a.phone);
    if (!info || !rules) return;
    const t = this.at(a.phone, a.at);
    const tries = (this.jobAttempts.get(a.jobId) ?? 0) + 1;
    this.jobAttempts.set(a.jobId, tries);
    if (a.outcome === 'sent') {
      t.today++;
      t.sent++;
      t.restUntil = a.at + cooldownAfter(rules, info.registeredAt, a.at);
      t.restWhy = 'cooldown after a send';
    } else if (a.outcome === 'unavailable') {
      // A dropped connection is not the phone's failure, but it pauses the phone when the job is retried.
      if (tries < this.input.options.maxAttempts) {
        const until = a.at + Math.min(60_000, 3_000 * tries);
        if (until > t.restUntil) {
          t.restUntil = until;
          t.restWhy = 'pause after a dropped connection';
        }
      }
    } else {
      t.failed++;
    }
  }
}

/** Replays the log alongside the decisions: each phone's counters as of each decision. */
function checkChoices(
  input: CheckInput,
  tenantRules: Rules,
  phoneRules: Map<string, Rules>,
  violations: Violation[],
): void {
  const info = new Map(input.phones.map((p) => [p.name, p] as const));
  const replay = new Replay(input, phoneRules);
  let companyDay = -1;
  let company = 0;
  let i = 0;
  const attempts = input.attempts;
  for (const d of input.decisions ?? []) {
    for (; i < attempts.length && attempts[i]!.seq < d.seq; i++) {
      const a = attempts[i]!;
      replay.apply(a);
      if (a.outcome === 'sent' && a.priority !== 'support') {
        const day = utcDayOf(a.at);
        if (companyDay !== day) {
          companyDay = day;
          company = 0;
        }
        company++;
      }
    }
    const now = d.at;
    const day = utcDayOf(now);
    const reply = d.lane === 0;
    const capApplies = !reply || tenantRules.replies.dailyCap;
    const view = d.phones
      .filter((p) => d.sticky === undefined || p.name === d.sticky)
      .map((p) => {
        const rules = phoneRules.get(p.name)!;
        const registeredAt = info.get(p.name)?.registeredAt ?? 0;
        const t = replay.at(p.name, now);
        const today = t.today;
        const room = !capApplies || today < capAt(rules, registeredAt, now);
        const cooling = t.restUntil > now;
        const total = t.sent + t.failed;
        const failRate = total === 0 ? 0 : t.failed / total;
        const score = today * seniorityAt(rules, registeredAt, now) + failRate * 30 + (cooling ? 500 : 0);
        const reachable = p.usable && !(d.sticky === undefined && p.timelockUntil > now);
        return { name: p.name, reachable, room, eligible: reachable && room && !p.busy, cooling, score };
      });
    const eligible = view.filter((v) => v.eligible);
    const min = Math.min(...eligible.map((v) => v.score));
    const best = eligible.find((v) => v.score <= min + EPS);
    const fail = (detail: string) =>
      violations.push({ rule: 'choice', at: now, jobId: d.jobId, phone: d.phone, detail });
    const own = new Map(d.phones.map((p) => [p.name, p.view] as const));
    const describe = () =>
      eligible
        .map((v) => {
          const b = own.get(v.name);
          const theirs = b
            ? ` [balancer: sent ${b.todaySent}, cools till +${b.cooldownUntil - now} ms, score ${b.score.toFixed(3)}]`
            : '';
          return `${v.name}=${v.score.toFixed(3)}${v.cooling ? '(cooling)' : ''}${theirs}`;
        })
        .join(' ') || 'none eligible';
    if (d.kind === 'start') {
      const chosen = view.find((v) => v.name === d.phone);
      if (!chosen?.eligible) fail(`chose ${d.phone}, not eligible; eligible: ${describe()}`);
      else if (chosen.cooling) fail(`chose ${d.phone} while it was cooling`);
      else if (chosen.score > min + EPS) fail(`chose ${d.phone} (${chosen.score.toFixed(3)}); eligible: ${describe()}`);
    } else if (d.kind === 'hold') {
      if (best && !best.cooling) fail(`waited although ${best.name} was ready; eligible: ${describe()}`);
    } else {
      // Sends in flight count toward the company limit (phones send in parallel): each busy phone may hold one.
      const inFlight = d.phones.filter((p) => p.busy).length;
      const companyFull =
        !reply &&
        tenantRules.companyDailyLimit !== null &&
        (companyDay === day ? company : 0) + inFlight >= tenantRules.companyDailyLimit;
      const withRoom = view.filter((v) => v.reachable && v.room);
      if (!companyFull && withRoom.length > 0)
        fail(`deferred to tomorrow although ${withRoom.map((v) => v.name).join(', ')} had room`);
    }
  }
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = m.get(k) ?? [];
    m.set(k, list);
    list.push(item);
  }
  return m;
}
