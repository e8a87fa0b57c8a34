import type { NewProviderInput } from '@smmbot/providers';
import type { support } from '../../src/index.js';
import type { ScenarioHarness } from './harness.js';

/** An order created with `sim.state.addOrder` before the first step; steps refer to it as `{o0}`, `{o1}`, … */
export interface ScenarioOrder {
  user: string;
  /** A service picked by (part of) its name; the sim's first service when absent. */
  service?: string | RegExp;
  status?: 'pending' | 'in_progress' | 'processing' | 'completed' | 'partial' | 'canceled' | 'refunded';
  remains?: number;
  /** How long ago it was created (ms). */
  ageMs?: number;
  /** How long before now its status was reached (ms); defaults to now. */
  statusAgoMs?: number;
  startDelayMs?: number;
  durationMs?: number;
}

export interface From {
  /** Default `customer-1`. */
  sender?: string;
  /** A group chat (`group-1` unless `chat` says otherwise). */
  group?: boolean;
  chat?: string;
}

export type Expectation = RegExp | string | (string | RegExp)[];

/**
 * One customer (or staff) message and what must come back. The replies of the turn are joined with a
 * blank line; `expect` as a string must equal them exactly, as a RegExp must match them, as an array each
 * string must be contained and each RegExp must match. Texts and expectations may use `{o0}`… for the ids
 * of `setup.orders`.
 */
export interface SayStep {
  say: string;
  from?: From;
  expect?: Expectation;
  /** Nothing was sent (a silent group builds replies but sends none; a dropped turn builds none). */
  expectNone?: true;
  notExpect?: RegExp;
  /** The turn's status (`answered`, `silent`, `dropped`, …). */
  status?: string;
}

/** Moves the virtual clock: `'10m'`, `'2h'`, `'5s'`, `'3d'` or milliseconds. */
export interface AdvanceStep {
  advance: `${number}${'s' | 'm' | 'h' | 'd'}` | number;
}

/** Says the latest OTP the sim's panel ticket carries for this username (or a wrong one). */
export interface CodeStep {
  code: string;
  wrong?: true;
  from?: From;
  expect?: Expectation;
  expectNone?: true;
}

export interface CheckStep {
  check: (h: ScenarioHarness) => void | Promise<void>;
}

export type Step = SayStep | AdvanceStep | CodeStep | CheckStep;

export interface Scenario {
  name: string;
  setup?: {
    botConfig?: Record<string, unknown>;
    support?: Parameters<typeof support>[0];
    /** Pre-linked identities on the web chat: sender → panel username. */
    link?: Record<string, string>;
    orders?: ScenarioOrder[];
    /** Providers plugin with these providers (`true`: the sim's four, each with its escalation group). */
    providers?: NewProviderInput[] | true;
  };
  steps: Step[];
}
