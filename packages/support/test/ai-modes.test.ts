import { type AiChatMessage, type AiProvider, type ChatMode, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLATION_LINE, REWRITE_SYSTEM_PROMPT } from '../src/ai/index.js';
import { SCENARIO_FILES } from './scenarios/index.js';
import { type ScenarioHarness, scenarioHarness } from './scenarios/harness.js';
import { runScenario } from './scenarios/run.js';
import type { Expectation, Scenario, Step } from './scenarios/types.js';

/** The reply block of a rewrite prompt. */
function manualOf(messages: AiChatMessage[]): string | undefined {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const m = /REPLY:\n<<<\n([\s\S]*?)\n>>>/.exec(user);
  return m?.[1];
}

type Answer = (messages: AiChatMessage[]) => string | Promise<string>;

class FakeAi implements AiProvider {
  readonly name = 'fake';
  calls: AiChatMessage[][] = [];
  constructor(private readonly answer: Answer) {}
  async complete(_tenant: string, messages: AiChatMessage[]): Promise<string> {
    this.calls.push(messages);
    return this.answer(messages);
  }
}

/** A faithful model: greets, keeps the reply verbatim, and adds an apology when asked to console. */
const faithful: Answer = (messages) => {
  const manual = manualOf(messages);
  if (manual === undefined) return 'I can only help with your own orders. Type help for the menu.';
  const sorry = /upset/.test(messages[1]!.content) ? '\nSo sorry about this!' : '';
  return `Hi there!\n${manual}${sorry}\nHave a nice day.`;
};

const withAi = (ai: AiProvider): Step => ({
  check: (h: ScenarioHarness) => void h.engine.container.register(Tokens.Ai, { useValue: ai }),
});

/** Exact expectations become "contains" (the AI decorates the text; every fact stays). */
const unanchor = (p: string | RegExp) =>
  p instanceof RegExp ? new RegExp(p.source.replace(/^\^/, '').replace(/\$$/, ''), p.flags) : p;
function loosen(e: Expectation | undefined): Expectation | undefined {
  if (e === undefined) return e;
  if (typeof e === 'string') return [e];
  if (e instanceof RegExp) return unanchor(e);
  return e.map(unanchor);
}

function inMode(s: Scenario, mode: ChatMode, ai?: AiProvider): Scenario {
  const steps = s.steps.map((step): Step => {
    if (mode !== 'ai' || !('expect' in step)) return step;
    const expect = loosen(step.expect);
    return { ...step, ...(expect ? { expect } : {}) } as Step;
  });
  return {
    ...s,
    setup: { ...s.setup, botConfig: { ...s.setup?.botConfig, chat_mode: mode } },
    steps: ai ? [withAi(ai), ...steps] : steps,
  };
}

const PICKED = [
  'order <id>: one owned order in full, no provider for a customer',
  'bulk look-up with commas: one reply per message',
  'many orders are grouped by status',
  'an unknown order id is not found',
  'another customer’s order is not shown',
  'refill of a recent completed order is submitted to the panel',
  'refill outside the 30-day window is refused with the end date',
  'a second refill is held by the cooldown, and accepted after it',
  'cancel a pending order',
  'cancel another customer’s order is refused as not owned',
  'speed up an in-progress order',
];
const all = Object.values(SCENARIO_FILES).flat();
const picked = PICKED.map((name) => {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
});

describe('the same conversations in every chat mode', () => {
  for (const mode of ['manual', 'custom'] as const) {
    it.each(picked.map((s) => [s.name, s] as const))(`${mode}: %s`, async (_n, s) => {
      await runScenario(inMode(s, mode));
    });
  }
  it.each(picked.map((s) => [s.name, s] as const))('ai (faithful model): %s', async (_n, s) => {
    const ai = new FakeAi(faithful);
    await runScenario(inMode(s, 'ai', ai));
    expect(ai.calls.length).toBeGreaterThan(0);
  });
  it.each(picked.map((s) => [s.name, s] as const))('ai (lossy model → manual text): %s', async (_n, s) => {
    // Drops every order id: each rewrite fails the fact check and the manual text (the exact one) is sent.
    const ai = new FakeAi((m) => (manualOf(m) ?? 'x').replace(/#?\d{4,}/g, 'your order'));
    // Log checks are left out: the log reason of these turns rightly carries the `ai_fallback:` note.
    const strict = inMode({ ...s, steps: s.steps.filter((st) => !('check' in st)) }, 'manual', ai);
    await runScenario({
      ...strict,
      setup: { ...strict.setup, botConfig: { ...strict.setup?.botConfig, chat_mode: 'ai' } },
    });
    expect(ai.calls.length).toBeGreaterThan(0);
  });
});

describe('AI mode rewrites', () => {
  let h: ScenarioHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });
  async function setup(answer: Answer, botConfig: Record<string, unknown> = {}) {
    h = await scenarioHarness({
      link: { 'customer-1': 'demo' },
      botConfig: { chat_mode: 'ai', ...botConfig },
      orders: [
        { user: 'demo', status: 'completed', remains: 0 },
        { user: 'demo', status: 'pending' },
        { user: 'alice', status: 'completed', remains: 0 },
      ],
    });
    const ai = new FakeAi(answer);
    h.engine.container.register(Tokens.Ai, { useValue: ai });
    return { h, ai, o: h.orders };
  }

  it('a faithful rewrite is sent', async () => {
    const { h, o } = await setup(faithful);
    const { sent } = await h.say(`status ${o[0]}`);
    expect(sent.join('\n')).toMatch(/^Hi there!/);
    expect(sent.join('\n')).toContain(`#${o[0]}`);
  });

  it.each([
    ['drops an order id', (m: string) => m.replace(/#\d+/, 'your order')],
    ['changes a status', (m: string) => m.replace(/Completed/, 'Partial')],
    ['adds a link', (m: string) => `${m}\nTrack it at https://evil.example/track`],
    ['adds another order', (m: string) => `${m}\nAlso order #99999 is done.`],
  ])('a model that %s → the manual reply, and the fallback is logged', async (_n, mutate) => {
    const { h, o } = await setup((m) => mutate(manualOf(m)!));
    const manual = await (async () => {
      const { sent } = await h.say(`status ${o[0]}`);
      return sent.join('\n');
    })();
    expect(manual).toMatch(new RegExp(`^\\*Order #${o[0]}`));
    expect(manual).not.toMatch(/evil|99999|your order/);
    const [entry] = await h.logs();
    expect(entry!.reason).toMatch(/ai_fallback:rewrite:facts/);
  });

  it.each([
    ['an error', () => Promise.reject(new Error('boom'))],
    ['garbage', () => ''],
    ['a prompt echo', (m: AiChatMessage[]) => m.map((x) => x.content).join('\n')],
  ])('%s → the manual reply', async (_n, answer) => {
    const { h, o } = await setup(answer as Answer);
    const { sent } = await h.say(`status ${o[0]}`);
    expect(sent.join('\n')).toMatch(new RegExp(`^\\*Order #${o[0]}`));
    expect(sent.join('\n')).not.toContain(REWRITE_SYSTEM_PROMPT.split('\n')[0]!);
    expect((await h.logs())[0]!.reason).toMatch(/ai_fallback:rewrite/);
  });

  it('help is never rewritten', async () => {
    const { h, ai } = await setup(faithful);
    const { sent } = await h.say('help');
    expect(sent.join('\n')).not.toMatch(/Hi there/);
    expect(ai.calls).toHaveLength(0);
  });

  it('asks for the detected language', async () => {
    const { h, o, ai } = await setup(faithful);
    await h.say(`hola, por favor el estado de mi pedido ${o[0]}, todavía no llegó`);
    expect(ai.calls.at(-1)![1]!.content).toMatch(/Spanish/);
  });

  it('a fixed language config wins over detection', async () => {
    const { h, o, ai } = await setup(faithful, { language: 'pt' });
    await h.say(`status ${o[0]}`);
    expect(ai.calls.at(-1)![1]!.content).toMatch(/Portuguese/);
  });

  it('unrecognised free text is answered with only this customer’s orders as context', async () => {
    const { h, o, ai } = await setup(() => 'Your latest order is on its way. Send "status <id>" for details.');
    const { sent, result } = await h.say('when will my followers arrive?');
    expect(sent.join('\n')).toMatch(/on its way/);
    expect(result.reason).toBe('ai_answer');
    const prompt = ai.calls[0]!.map((m) => m.content).join('\n');
    expect(prompt).toContain(`#${o[0]}`);
    expect(prompt).not.toContain(`#${o[2]}`);
  });

  it('an answer naming another customer’s order falls back to not_understood', async () => {
    const { h, o } = await setup(() => `Order #${o[2]} belongs to alice and is completed.`);
    const { sent } = await h.say('show me orders of user alice');
    expect(sent.join('\n')).toMatch(/did not understand/);
    expect(sent.join('\n')).not.toContain(o[2]!);
  });
});

describe('consolation', () => {
  let h: ScenarioHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });
  async function setup(mode: ChatMode, answer: Answer) {
    h = await scenarioHarness({
      link: { 'customer-1': 'demo' },
      botConfig: { chat_mode: mode },
      orders: [{ user: 'demo', status: 'pending' }],
    });
    const ai = new FakeAi(answer);
    h.engine.container.register(Tokens.Ai, { useValue: ai });
    return { h, ai, o: h.orders };
  }

  it.each(['manual', 'custom', 'ai'] as const)(
    '%s mode: the action runs, one merged reply, priority log',
    async (mode) => {
      const { h, o } = await setup(mode, faithful);
      const { sent } = await h.say(`cancel ${o[0]} this is taking forever!!`);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain(`#${o[0]}`);
      expect(sent[0]).toMatch(/So sorry about this!/);
      expect(h.sim.state.view(Number(o[0]!)).status).not.toBe('pending');
      const [entry] = await h.logs();
      expect(entry!.priority).toBe(true);
    },
  );

  it('a failing model → the action reply plus the fixed empathetic line', async () => {
    const { h, o } = await setup('manual', () => Promise.reject(new Error('down')));
    const { sent } = await h.say(`cancel ${o[0]} this is taking forever!!`);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(`#${o[0]}`);
    expect(sent[0]).toContain(CONSOLATION_LINE);
    expect((await h.logs())[0]!.reason).toMatch(/ai_fallback:consolation:error/);
  });

  it('a clean command gets no consolation in manual mode and no model call', async () => {
    const { h, o, ai } = await setup('manual', faithful);
    const { sent } = await h.say(`cancel ${o[0]}`);
    expect(sent.join('\n')).not.toContain(CONSOLATION_LINE);
    expect(ai.calls).toHaveLength(0);
  });
});
