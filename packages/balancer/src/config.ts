import { timezoneProblem } from '@smmbot/core';
import { z } from 'zod';

const ms = (max = 7 * 86_400_000) => z.number().int().min(0).max(max);
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const utcOffset = z.string().superRefine((v, ctx) => {
  const problem = timezoneProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A daily send window in local time; `from` after `to` spans midnight (22:00–06:00). */
export const workingHoursSchema = z.strictObject({
  from: z.string().regex(HHMM, { error: 'expected HH:MM (24 h)' }),
  to: z.string().regex(HHMM, { error: 'expected HH:MM (24 h)' }),
  timezone: utcOffset.default('UTC'),
});
export type WorkingHours = z.output<typeof workingHoursSchema>;

/** Warm-up: a phone younger than `untilDays` may send at most `cap` a day. */
const warmupStep = z.strictObject({ untilDays: z.number().positive(), cap: z.number().int().positive() });

/** Which rules apply to support replies (a customer who just wrote is waiting). */
const replyRulesSchema = z.strictObject({
  workingHours: z.boolean().default(false),
  recipientCooldown: z.boolean().default(false),
  dailyCap: z.boolean().default(false),
  delayMinMs: ms().default(300),
  delayMaxMs: ms().default(1_200),
});

/** Every rule, as the spec names them. Global defaults; tenants and phones override parts. */
export const rulesSchema = z.strictObject({
  /** Random pause before each send, per phone. Default 2–6 s. */
  delayMinMs: ms().default(2_000),
  delayMaxMs: ms().default(6_000),
  /** Anti-ban cap per phone per UTC day after warm-up; null = only warm-up caps. */
  maxDailyPerPhone: z.number().int().positive().nullable().default(null),
  /** Warm-up caps by phone age; after the last step only `maxDailyPerPhone` applies. */
  warmup: z.array(warmupStep).default([
    { untilDays: 4, cap: 20 },
    { untilDays: 8, cap: 50 },
    { untilDays: 15, cap: 100 },
    { untilDays: 30, cap: 200 },
  ]),
  /** Seniority factor = max(floor, base / (1 + ageDays / halfDays)). */
  seniority: z
    .strictObject({ base: z.number().positive(), halfDays: z.number().positive(), floor: z.number().positive() })
    .default({ base: 1.5, halfDays: 20, floor: 0.3 }),
  /** Minimum gap between two messages to one recipient; 0 disables. Default 1 h. */
  recipientCooldownMs: ms().default(3_600_000),
  /** Send window; null = any time. */
  workingHours: workingHoursSchema.nullable().default(null),
  /** Company (tenant) messages per UTC day, replies excluded; over it, messages wait for the next day. */
  companyDailyLimit: z.number().int().positive().nullable().default(null),
  /** Company messages per UTC month, replies excluded; over it, enqueue is refused (the send API says 429). */
  monthlyLimit: z.number().int().positive().nullable().default(null),
  /** Typing: √len × perSqrtCharMs capped at capMs, plus a random extraMin..extraMax. */
  typing: z
    .strictObject({
      perSqrtCharMs: ms().default(400),
      capMs: ms().default(5_000),
      extraMinMs: ms().default(300),
      extraMaxMs: ms().default(800),
    })
    .default({ perSqrtCharMs: 400, capMs: 5_000, extraMinMs: 300, extraMaxMs: 800 }),
  /** Deferred messages are spread over this long after the day opens, not sent in a burst. */
  deferSpreadMs: ms().default(1_800_000),
  replies: replyRulesSchema.default({
    workingHours: false,
    recipientCooldown: false,
    dailyCap: false,
    delayMinMs: 300,
    delayMaxMs: 1_200,
  }),
});
export type Rules = z.output<typeof rulesSchema>;

type Overrides<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K]>;
};

/** Each field optional with its default dropped: `.partial()` would fill every default into an override and mask the global rules. */
function withoutDefaults<S extends z.ZodRawShape>(shape: S): Overrides<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, ((v instanceof z.ZodDefault ? v.unwrap() : v) as z.ZodType).optional()]),
  ) as unknown as Overrides<S>;
}

/** Partial rules for a tenant or a phone: only what it names; nested objects replace whole. */
export const ruleOverridesSchema = z.strictObject(withoutDefaults(rulesSchema.shape));
export type RuleOverrides = z.output<typeof ruleOverridesSchema>;

/**
 * Per phone, only what is about the phone itself: pacing, caps, warm-up, seniority, typing. Working
 * hours, recipient cooldowns and company limits are the company's (tenant rules).
 */
export const phoneOptionsSchema = ruleOverridesSchema
  .pick({ delayMinMs: true, delayMaxMs: true, maxDailyPerPhone: true, warmup: true, seniority: true, typing: true })
  .extend({
    /** When the number was registered (ISO date or epoch ms); else the first time the balancer saw it. */
    registeredAt: z.union([z.iso.date(), z.iso.datetime(), z.number().int()]).optional(),
    /** This phone's own daily cap; replaces `maxDailyPerPhone` (warm-up still applies). */
    dailyLimit: z.number().int().positive().nullable().optional(),
  });
export type PhoneOptions = z.output<typeof phoneOptionsSchema>;

export const alertRulesSchema = z.strictObject({
  consecutiveFailures: z.number().int().positive().default(5),
  failureRate: z.number().min(0).max(1).default(0.3),
  minSends: z.number().int().positive().default(20),
  realertEvery: z.number().int().positive().default(10),
});
export type AlertRules = z.output<typeof alertRulesSchema>;

/**
 * Leased mode: several processes on one shared store (PostgreSQL records + Redis kv). Only the
 * process holding the kv lease `balancer:leader` schedules and sends; every process stores jobs and
 * hands their ids to it through the OutboundTransport. Absent: one process, the direct path.
 */
export const distributedSchema = z
  .strictObject({
    /** How long the lease lives without renewal: a killed leader is replaced after at most this long. */
    leaseMs: z.number().int().min(100).max(600_000).default(10_000),
    /** How often the leader renews (and a follower tries to take over): at most half of `leaseMs`, default a third. */
    renewEveryMs: z.number().int().min(10).max(600_000).optional(),
    /** The leader's safety net: every this often it re-reads unfinished jobs newer than those it has seen. */
    pollMs: z.number().int().min(10).max(600_000).default(5_000),
    /** False: this process stores and hands over but never leads (a `web` process). */
    leader: z.boolean().default(true),
  })
  .transform((d) => ({ ...d, renewEveryMs: d.renewEveryMs ?? Math.max(10, Math.floor(d.leaseMs / 3)) }))
  .refine((d) => d.renewEveryMs * 2 <= d.leaseMs, {
    error: 'renewEveryMs must be at most half of leaseMs (a renewal must land well before the lease ends)',
  });
export type DistributedOptions = z.output<typeof distributedSchema>;

export const balancerOptionsSchema = z.strictObject({
  rules: rulesSchema.default(rulesSchema.parse({})),
  /** Per tenant (company) overrides. */
  tenants: z.record(z.string(), ruleOverridesSchema).default({}),
  /** Per phone (channel instance name) overrides and age. */
  phones: z.record(z.string(), phoneOptionsSchema).default({}),
  alerts: alertRulesSchema.default(alertRulesSchema.parse({})),
  /**
   * Platform calls in flight per tenant. 1 (default) bounds what a crash can duplicate to one
   * message: only a message between "the channel accepted it" and "we recorded that" is resent.
   */
  maxInFlightSends: z.number().int().positive().default(1),
  /** A message that failed this many times for transient reasons is marked failed. */
  maxAttempts: z.number().int().positive().default(5),
  /** Sent and failed jobs are kept this long for the status API, then pruned. */
  retainMs: ms(365 * 86_400_000).default(30 * 86_400_000),
  /** Set: leased mode for several worker processes (see `distributedSchema`). */
  distributed: distributedSchema.optional(),
});
export type BalancerOptions = z.output<typeof balancerOptionsSchema>;

/** Global ← tenant ← phone: the rules one phone sends under for one tenant. */
export function resolveRules(options: BalancerOptions, tenant: string, phone?: string): Rules {
  const tenantRules = { ...options.rules, ...defined(options.tenants[tenant]) };
  if (!phone) return tenantRules;
  const { registeredAt: _r, dailyLimit, ...phoneRules } = options.phones[phone] ?? {};
  const merged = { ...tenantRules, ...defined(phoneRules) };
  return dailyLimit !== undefined ? { ...merged, maxDailyPerPhone: dailyLimit } : merged;
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
