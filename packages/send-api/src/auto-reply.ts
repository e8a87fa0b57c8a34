import {
  type Clock,
  type Collection,
  ConfigError,
  type RecordStore,
  type StoredRecord,
  type TenantId,
} from '@smmbot/core';
import { MATCH_TYPES, matcherFor, rulePatternProblem, type RulePattern } from './auto-reply-rules.js';
import type { AutoReplyRule } from './options.js';

/** A company's rule stored at runtime (the dashboard's "company rules"). */
export interface StoredAutoReplyRule extends StoredRecord, RulePattern {
  reply: string;
  createdAt: number;
}

export type AutoReplyInput = RulePattern & { reply: string };

/** A rule as it is applied, with where it came from. */
export type EffectiveRule = AutoReplyInput & { source: 'config' | 'stored' | 'global'; id?: string };

/** A rule that cannot be accepted; `problem` says why in words for the person who wrote it. */
export class AutoReplyRuleError extends ConfigError {
  override name = 'AutoReplyRuleError';
  constructor(readonly problem: string) {
    super(`auto-reply rule rejected: ${problem}`);
  }
}

const RULES = { name: 'send_api_auto_replies', indexes: ['createdAt'] };
const MAX_RULES_PER_TENANT = 200;

export interface AutoReplyDeps {
  store: RecordStore;
  clock: Clock;
  /** Rules from the config file, per tenant. */
  configured: Readonly<Record<TenantId, AutoReplyRule[]>>;
  global: readonly AutoReplyRule[];
}

/**
 * Auto-reply rules: the company's own (config first, then stored, each in order) before the global
 * ones; the first that matches answers. Every pattern is checked (`rulePatternProblem`) before it is
 * stored, so matching never meets an unsafe regex.
 */
export class AutoReplyService {
  private readonly rules: Collection<StoredAutoReplyRule>;

  constructor(private readonly deps: AutoReplyDeps) {
    this.rules = deps.store.collection<StoredAutoReplyRule>(RULES);
  }

  /** Validates and stores a company rule; throws AutoReplyRuleError naming the problem. */
  async add(tenant: TenantId, input: AutoReplyInput): Promise<StoredAutoReplyRule> {
    const rule = checkRule(input);
    if ((await this.rules.count(tenant)) >= MAX_RULES_PER_TENANT) {
      throw new AutoReplyRuleError(`a company may have at most ${MAX_RULES_PER_TENANT} rules`);
    }
    return this.rules.insert(tenant, { ...rule, createdAt: this.deps.clock.now() });
  }

  /** The tenant's stored rules, oldest first (the order they are tried in). */
  async list(tenant: TenantId): Promise<StoredAutoReplyRule[]> {
    const page = await this.rules.find(tenant, { sort: [{ field: 'createdAt' }], limit: MAX_RULES_PER_TENANT });
    return page.items;
  }

  remove(tenant: TenantId, id: string): Promise<boolean> {
    return this.rules.delete(tenant, id);
  }

  /** Every rule that applies to the tenant, in the order they are tried. */
  async effective(tenant: TenantId): Promise<EffectiveRule[]> {
    const stored = await this.list(tenant);
    return [
      ...(this.deps.configured[tenant] ?? []).map((r) => ({ ...r, source: 'config' as const })),
      ...stored.map(({ id, match, pattern, flags, reply }) => ({
        id,
        match,
        pattern,
        flags,
        reply,
        source: 'stored' as const,
      })),
      ...this.deps.global.map((r) => ({ ...r, source: 'global' as const })),
    ];
  }

  /** The first rule whose pattern matches the text, or undefined. */
  async match(tenant: TenantId, text: string): Promise<EffectiveRule | undefined> {
    for (const rule of await this.effective(tenant)) {
      // A stored rule written by an older version with weaker checks is skipped, never run.
      if (rule.source === 'stored' && rulePatternProblem(rule)) continue;
      if (matcherFor(rule)(text)) return rule;
    }
    return undefined;
  }
}

function checkRule(input: AutoReplyInput): AutoReplyInput {
  const pattern = typeof input.pattern === 'string' ? input.pattern : '';
  const reply = typeof input.reply === 'string' ? input.reply.trim() : '';
  if (!(MATCH_TYPES as readonly string[]).includes(input.match)) {
    throw new AutoReplyRuleError(`unknown match type "${String(input.match)}" (contains, exact, startsWith or regex)`);
  }
  if (!pattern) throw new AutoReplyRuleError('the pattern is empty');
  if (!reply) throw new AutoReplyRuleError('the reply is empty');
  if (reply.length > 4096) throw new AutoReplyRuleError('the reply is longer than 4096 characters');
  if (input.flags !== undefined && input.flags !== '' && input.flags !== 'i') {
    throw new AutoReplyRuleError(`regex flags may only be "i" (found "${String(input.flags)}")`);
  }
  const rule: AutoReplyInput = { match: input.match, pattern, reply, ...(input.flags ? { flags: input.flags } : {}) };
  const problem = rulePatternProblem(rule);
  if (problem) throw new AutoReplyRuleError(problem);
  return rule;
}
