import { z } from 'zod';
import { parseServiceRules } from './parse.js';
import { describeRefill } from './refill.js';
import { describeSpeed } from './speed.js';
import { describeStart } from './start.js';
import type { ServiceLike, ServiceRules, SpeedRule } from './types.js';

/** Per-tenant corrections by service id: whatever a field says here replaces what the parser read. */
export type ServiceRuleOverrides = Record<string, Partial<ServiceRules>>;

const refillSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().positive() }),
  z.object({ kind: z.literal('lifetime') }),
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('unknown') }),
]);

const startTimeSchema = z.union([
  z.literal('unknown'),
  z.object({ instant: z.literal(true) }),
  z
    .object({ minMinutes: z.number().nonnegative(), maxMinutes: z.number().nonnegative() })
    .refine((s) => s.minMinutes <= s.maxMinutes, { message: 'minMinutes must not exceed maxMinutes' }),
]);

const speedSchema = z.union([
  z.literal('unknown'),
  z.object({ perDay: z.number().positive(), perHour: z.number().positive().optional() }),
  z.object({ perHour: z.number().positive() }).transform((s) => ({ perHour: s.perHour, perDay: s.perHour * 24 })),
]);

/** One override, as stored in tenant config (validate before storing). */
export const serviceRuleOverrideSchema = z
  .object({
    refill: refillSchema.optional(),
    autoRefill: z.union([z.boolean(), z.literal('unknown')]).optional(),
    startTime: startTimeSchema.optional(),
    speed: speedSchema.optional(),
    evidence: z.array(z.string()).optional(),
    conflicts: z.array(z.string()).optional(),
  })
  .strict();

/** The overrides of one tenant, keyed by service id. */
export const serviceRuleOverridesSchema = z.record(z.string(), serviceRuleOverrideSchema);

/** Parses a panel service (name, description, category, refill flag) and applies the tenant's override. */
export function resolveServiceRules(service: ServiceLike, overrides: ServiceRuleOverrides = {}): ServiceRules {
  const parsed = parseServiceRules(service.name, {
    description: service.description,
    category: service.category,
    panelRefillFlag: service.refill,
  });
  // Own keys only: a service id like "constructor" must not pick up Object.prototype members.
  const override = Object.hasOwn(overrides, service.id) ? overrides[service.id] : undefined;
  return override ? applyServiceRuleOverride(parsed, override, `tenant override for service ${service.id}`) : parsed;
}

const FIELDS = ['refill', 'autoRefill', 'startTime', 'speed'] as const;
type Field = (typeof FIELDS)[number];

const aboutField = (text: string, field: Field) => text.startsWith(`${field}(`) || text.startsWith(`${field}:`);

function describeField(field: Field, rules: Pick<ServiceRules, Field>): string {
  if (field === 'refill') return describeRefill(rules.refill);
  if (field === 'startTime') return describeStart(rules.startTime);
  if (field === 'speed') return describeSpeed(rules.speed);
  return String(rules.autoRefill);
}

function normalizeSpeed(speed: SpeedRule): SpeedRule {
  if (speed === 'unknown' || Number.isFinite(speed.perDay) || speed.perHour === undefined) return speed;
  return { perHour: speed.perHour, perDay: speed.perHour * 24 };
}

/**
 * Applies an override to parsed rules. Overridden fields lose their parsed evidence and conflicts;
 * the evidence says what was replaced. Overriding refill alone keeps autoRefill consistent (no
 * refill → false; a refill where the parser saw none → unknown).
 */
export function applyServiceRuleOverride(
  parsed: ServiceRules,
  override: Partial<ServiceRules>,
  label = 'override',
): ServiceRules {
  const fields = FIELDS.filter((field) => override[field] !== undefined);
  const next: ServiceRules = {
    ...parsed,
    evidence: parsed.evidence.filter((e) => !fields.some((field) => aboutField(e, field))),
  };
  const overridden: string[] = [];
  for (const field of fields) {
    if (field === 'refill' && override.refill) next.refill = { ...override.refill };
    if (field === 'autoRefill' && override.autoRefill !== undefined) next.autoRefill = override.autoRefill;
    if (field === 'startTime' && override.startTime) next.startTime = override.startTime;
    if (field === 'speed' && override.speed) next.speed = normalizeSpeed(override.speed);
    overridden.push(
      `${field}(override): ${label} → ${describeField(field, next)} (parsed: ${describeField(field, parsed)})`,
    );
  }
  if (override.refill && override.autoRefill === undefined) {
    const wasNone = parsed.refill.kind === 'none';
    const isNone = next.refill.kind === 'none';
    if (isNone !== wasNone) {
      next.autoRefill = isNone ? false : 'unknown';
      next.evidence = next.evidence.filter((e) => !aboutField(e, 'autoRefill'));
      overridden.push(`autoRefill(override): ${label} → ${next.autoRefill} (follows the overridden refill)`);
      fields.push('autoRefill');
    }
  }
  next.evidence = [...next.evidence, ...overridden, ...(override.evidence ?? [])];
  const conflicts = [
    ...(parsed.conflicts ?? []).filter((c) => !fields.some((field) => aboutField(c, field))),
    ...(override.conflicts ?? []),
  ];
  if (conflicts.length > 0) next.conflicts = conflicts;
  else delete next.conflicts;
  return next;
}
