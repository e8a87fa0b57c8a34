/** The balancer simulator and its measurements (virtual time; for tests and `pnpm bench balancer`). */
export { type Capacity, type CapacityInput, type CapacityPhone, capacity, type PhoneDay } from './capacity.js';
export {
  type CheckedPhone,
  type CheckInput,
  checkRun,
  type DecisionPhone,
  type DecisionRecord,
  type Rule,
  type Violation,
} from './checker.js';
export { HeapClock } from './clock.js';
export { benchPickPhone, fillQueue, fleet, type PickBench, type QueueMemory } from './micro.js';
export { type Attempt, type AttemptOutcome, SimLog, SimPhone } from './phone.js';
export { intBetween, seeded } from './random.js';
export { ageAt, capAt, cooldownAfter, DAY, Hours, rulesFor, seniorityAt, utcDayOf } from './rules.js';
export {
  type ArrivalPattern,
  type SimConfig,
  type SimPhoneSpec,
  type SimReport,
  type SimStorage,
  simulate,
} from './simulate.js';
