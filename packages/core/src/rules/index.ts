/**
 * Service rules: what an SMM service promises (refill window, auto refill, start time, speed), read
 * from the panel's service name, description and category.
 *
 * Decisions on ambiguous names (tests in `test/rules/` pin each one):
 * - A number is a refill window only when tied to refill vocabulary (refill/refil, guarantee(d),
 *   garansi, warranty, repair, ♻, `R30`, `AR30`). `30 Days` alone, `30Days Premium`, `30+ Days`,
 *   `Activity for 30Days`, `10 Days` beside `Low Drop`: unknown, never a guess.
 * - Units: day/d/hari = 1, week = 7, month = 30, year = 365 days. `0 days refill` is no refill.
 * - Refill vocabulary without a window (`Refill Button Active`, `♻️`, `[Guaranteed]`,
 *   `Auto Refill Every 24 Hours`): refill `unknown` with evidence that refill is offered.
 * - `⛔` is weak: it means "no refill" only when nothing states a window (`30D Refill ♻️⛔` stays
 *   30 days, with a conflict note). "Non Drop"/"No Drop" says nothing about refill.
 * - Several strong refill findings (name, description, category) that disagree: the most restrictive
 *   wins (no refill < shorter window < lifetime) and a conflict note is added.
 * - The panel's refill flag only decides when no text mentions refill (off → none, on → unknown
 *   window); when it disagrees with the text, the text wins and a conflict note is added.
 * - autoRefill: true with auto vocabulary (`auto refill`, `AR30`, `auto repair`), false when there is
 *   no refill or the text says `no auto refill`, otherwise unknown (a plain "refill" may be manual).
 * - Start time: a duration counts only next to "start" (or `10 Minutes Time`); a bare `1-6 Hours` is
 *   unknown. A single value means "within": `1 Hour Start Time` → 0-60 minutes. `Instant` anywhere
 *   is an instant start; `Usually Starts Slowly` is unknown. An explicit "start" phrase beats a bare
 *   `Instant` in the same text; the name beats the description, the description the category.
 * - Speed: the lower bound of a range (`Speed 50/80 M Per Day` → 50 million/day); hourly speeds keep
 *   `perHour` and get `perDay = perHour × 24`; `Min 10K`/`Max 1M` are not speeds; the first speed of
 *   the name wins, other values become conflict notes.
 * - A leading provider id (`25186 - …`) is dropped before parsing.
 */
export type {
  ParseServiceRulesOptions,
  RefillRule,
  RuleSource,
  ServiceLike,
  ServiceRules,
  SpeedRule,
  StartTimeRule,
} from './types.js';
export { normalizeServiceText, segmentsOf } from './normalize.js';
export { parseServiceRules, rulesJson } from './parse.js';
export {
  applyServiceRuleOverride,
  resolveServiceRules,
  type ServiceRuleOverrides,
  serviceRuleOverrideSchema,
  serviceRuleOverridesSchema,
} from './resolve.js';
export { isWithinRefillWindow, refillWindowEnds, type StartWindowOptions, startWindowEnds } from './windows.js';
