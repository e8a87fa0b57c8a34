/**
 * What a service promises, read from its panel name (and description, category, refill flag).
 * Every field can be `unknown`: the parser never guesses, the bot asks the owner instead.
 */
export type RefillRule = { kind: 'days'; days: number } | { kind: 'lifetime' } | { kind: 'none' } | { kind: 'unknown' };

/** A start window in minutes after the order was created, or "instant". */
export type StartTimeRule = { minMinutes: number; maxMinutes: number } | { instant: true } | 'unknown';

/**
 * Delivery speed. `perDay` is always present (normalized; an hourly speed is multiplied by 24);
 * `perHour` is kept when the name stated an hourly speed. Ranges keep their lower bound.
 */
export type SpeedRule = { perDay: number; perHour?: number } | 'unknown';

export interface ServiceRules {
  refill: RefillRule;
  /** True for "Auto Refill", `AR30`; false when there is no refill; otherwise unknown. */
  autoRefill: boolean | 'unknown';
  startTime: StartTimeRule;
  speed: SpeedRule;
  /** The fragments that decided each field, as `field(source): "fragment" → meaning`. */
  evidence: string[];
  /** Findings that disagree (name vs description, name vs the panel flag, …), for the owner to settle. */
  conflicts?: string[];
}

export interface ParseServiceRulesOptions {
  description?: string;
  category?: string;
  /** The panel's own refill flag: only used when no text says anything about refill. */
  panelRefillFlag?: boolean;
}

/** Where a finding came from. */
export type RuleSource = 'name' | 'description' | 'category';

/** The subset of PanelService that `resolveServiceRules` reads. */
export interface ServiceLike {
  id: string;
  name: string;
  description?: string;
  category?: string;
  refill?: boolean;
}
