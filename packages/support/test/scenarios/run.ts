import { expect } from 'vitest';
import { type ScenarioHarness, scenarioHarness } from './harness.js';
import type { Expectation, Scenario, Step } from './types.js';

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `'10m'` → 600000. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value);
  if (!m) throw new Error(`bad duration ${value}`);
  return Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
}

/** A code that is certainly not `code`. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

function fill(text: string, h: ScenarioHarness): string {
  return text.replace(/\{o(\d+)\}/g, (whole, i: string) => h.orders[Number(i)] ?? whole);
}
function fillPattern(p: string | RegExp, h: ScenarioHarness): string | RegExp {
  if (typeof p === 'string') return fill(p, h);
  const source = p.source.replace(/\\\{o(\d+)\\\}/g, (whole, i: string) => h.orders[Number(i)] ?? whole);
  return new RegExp(fill(source, h), p.flags);
}

function assertReplies(label: string, sent: string[], expectation: Expectation, h: ScenarioHarness) {
  const text = sent.join('\n\n');
  expect(sent.length, `${label}: a reply was expected`).toBeGreaterThan(0);
  if (typeof expectation === 'string') {
    expect(text, label).toBe(fill(expectation, h));
  } else if (expectation instanceof RegExp) {
    expect(text, label).toMatch(fillPattern(expectation, h));
  } else {
    for (const part of expectation) {
      const p = fillPattern(part, h);
      if (typeof p === 'string') expect(text, label).toContain(p);
      else expect(text, label).toMatch(p);
    }
  }
}

async function runStep(h: ScenarioHarness, step: Step, index: number): Promise<void> {
  if ('advance' in step) {
    await h.clock.advance(durationMs(step.advance));
    return;
  }
  if ('check' in step) {
    await step.check(h);
    return;
  }
  let text: string;
  let label: string;
  if ('code' in step) {
    const code = h.lastCode(step.code);
    expect(code, `step ${index + 1}: a code for ${step.code}`).toMatch(/^\d{6}$/);
    text = step.wrong ? wrongCode(code!) : code!;
    label = `step ${index + 1} (${step.wrong ? 'wrong ' : ''}code of ${step.code})`;
  } else {
    text = fill(step.say, h);
    label = `step ${index + 1} "${text}"`;
  }
  const { result, sent } = await h.say(text, step.from);
  if (step.expect !== undefined) assertReplies(label, sent, step.expect, h);
  if (step.expectNone) expect(sent, `${label}: nothing should be sent`).toEqual([]);
  if ('say' in step) {
    if (step.notExpect) expect(sent.join('\n\n'), label).not.toMatch(fillPattern(step.notExpect, h));
    if (step.status) expect(result.status, `${label}: turn status`).toBe(step.status);
  }
}

/** Builds a fresh harness for the scenario, runs every step, and stops it. */
export async function runScenario(scenario: Scenario): Promise<void> {
  const h = await scenarioHarness(scenario.setup);
  try {
    for (const [i, step] of scenario.steps.entries()) await runStep(h, step, i);
  } finally {
    await h.stop();
  }
}
