import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { COMMAND_IDS, type ParsedCommand, type ParseOptions, parseCommand } from '../../src/index.js';

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

type Rng = ReturnType<typeof prng>;

/** Code point ranges for random Unicode: emoji, RTL scripts, controls, bidi and zero-width marks, ... */
const RANGES: [number, number][] = [
  [0x0000, 0x001f], // C0 controls
  [0x007f, 0x009f], // DEL, C1 controls
  [0x0020, 0x007e], // ASCII
  [0x00a0, 0x024f], // Latin-1, Latin Extended
  [0x0300, 0x036f], // combining marks
  [0x0590, 0x05ff], // Hebrew
  [0x0600, 0x06ff], // Arabic, Persian, Arabic-Indic digits
  [0x0900, 0x09ff], // Devanagari, Bengali
  [0x1d00, 0x1d2b], // small capitals
  [0x200b, 0x200f], // zero-width, LRM/RLM
  [0x202a, 0x202e], // bidi embeddings/overrides
  [0x2066, 0x2069], // bidi isolates
  [0x2460, 0x24ff], // enclosed alphanumerics
  [0x3000, 0x303f], // CJK punctuation
  [0x4e00, 0x4fff], // CJK
  [0xd800, 0xdfff], // lone surrogates
  [0xfb00, 0xfb06], // ligatures
  [0xfdf0, 0xfdff], // Arabic ligatures that NFKC expands
  [0xfe00, 0xfe0f], // variation selectors
  [0xff00, 0xffef], // full-width, half-width
  [0xfff0, 0xffff], // specials
  [0x1d400, 0x1d7ff], // mathematical (bold, italic, ...) letters and digits
  [0x1f300, 0x1faff], // emoji
  [0xe0000, 0xe007f], // tags
];

const VERBS = [
  'refill',
  'REFILL',
  'refil',
  'refill status',
  'cancel',
  'cancle',
  'speed up',
  'speedup',
  'speed-up',
  'speed',
  'refund',
  'partial',
  'fake complete',
  'balance',
  'services',
  'ticket',
  'my username',
  'help',
  'order',
  'check',
  'status',
  'details',
  'hi',
  'hello',
  'salam',
  'good morning',
  '!status',
  '!broadcast',
  '!support',
  '!silent',
  '!marketing',
  'enable',
  'disable',
  '!resolve',
  'escalated',
  'ticket created',
  '!config',
  'set',
  'get',
  'list',
  '!verify-users',
  '!remove-users',
  '!users',
  '!groups',
  'refill verify',
  'provider status',
  'rf',
  'promo',
  '𝐫𝐞𝐟𝐢𝐥𝐥',
  'ｏｒｄｅｒ',
  'ریفیل',
];
const JUNK = [
  'please',
  'pls',
  'sir',
  'this is taking forever',
  'why??',
  '!!',
  '😡',
  '🙏🏽',
  'x2',
  '30days',
  '3 days',
  '50%',
  '$5',
];
const SEPARATORS = [' ', ', ', ',', '\n', ' #', '#', ': ', '  ', '\t', ' - ', '،', '\u200b'];
const OPTIONS: ParseOptions = { aliases: { rf: 'refill', ریفیل: 'refill' }, custom: ['promo', 'payment methods'] };

function randomAscii(r: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(r.int(128));
  return s;
}

function randomUnicode(r: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    const [lo, hi] = r.pick(RANGES);
    s += String.fromCodePoint(lo + r.int(hi - lo + 1));
  }
  return s;
}

function randomId(r: Rng): string {
  const digits = String(r.int(1e12)).slice(0, 1 + r.int(13));
  const styled = r.int(10);
  if (styled === 0) return [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''); // full-width
  if (styled === 1) return [...digits].map((d) => String.fromCharCode(0x0660 + Number(d))).join(''); // Arabic-Indic
  if (styled === 2) return [...digits].map((d) => String.fromCharCode(0x06f0 + Number(d))).join(''); // Persian
  return digits;
}

function randomMix(r: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    const kind = r.int(10);
    const part = kind < 3 ? r.pick(VERBS) : kind < 7 ? randomId(r) : kind < 9 ? r.pick(JUNK) : randomUnicode(r, 3);
    s += part + r.pick(SEPARATORS);
  }
  return s;
}

function randomInput(r: Rng, i: number): string {
  switch (i % 4) {
    case 0:
      return randomAscii(r, r.int(200));
    case 1:
      return randomUnicode(r, r.int(200));
    case 2:
      return randomMix(r, r.int(300));
    default: {
      // Very long inputs, up to 10k characters, of every kind.
      const length = 1000 + r.int(9001);
      const kind = r.int(3);
      return (kind === 0 ? randomAscii(r, length) : kind === 1 ? randomUnicode(r, length) : randomMix(r, length)).slice(
        0,
        10_000,
      );
    }
  }
}

const KNOWN = new Set<string>(COMMAND_IDS);

function checkShape(cmd: ParsedCommand, text: string) {
  if (!(KNOWN.has(cmd.id) || cmd.id.startsWith('custom:'))) throw new Error(`unexpected id ${cmd.id}`);
  if (cmd.raw !== text) throw new Error('raw changed');
  if (cmd.ids.length > 100) throw new Error('too many ids');
  if (new Set(cmd.ids).size !== cmd.ids.length) throw new Error('duplicate ids');
  if (cmd.ids.some((id) => !/^\d{1,12}$/.test(id))) throw new Error(`bad id in ${JSON.stringify(cmd.ids)}`);
  if (cmd.dirty && cmd.ids.length === 0) throw new Error('dirty without ids');
  if (typeof cmd.extraText !== 'string' || typeof cmd.normalized !== 'string') throw new Error('bad strings');
}

describe('parseCommand: property test', () => {
  it('never throws and parses each of 100,000 random inputs in under 1 ms', { timeout: 180_000 }, () => {
    const LIMIT_MS = 1;
    const r = prng(0x5eed_2024);
    // Warm up the JIT on a separate stream, so tier-up compilation is not billed to one input.
    const warm = prng(1);
    for (let i = 0; i < 3000; i++) parseCommand(randomInput(warm, i), OPTIONS);

    const N = 100_000;
    let firstMax = 0;
    let underMax = 0;
    let total = 0;
    const over: { i: number; text: string; options: ParseOptions | undefined; ms: number }[] = [];
    for (let i = 0; i < N; i++) {
      const text = randomInput(r, i);
      const options = i % 2 === 0 ? OPTIONS : undefined;
      const t0 = performance.now();
      const cmd = parseCommand(text, options);
      const ms = performance.now() - t0;
      total += ms;
      firstMax = Math.max(firstMax, ms);
      if (ms >= LIMIT_MS) over.push({ i, text, options, ms });
      else underMax = Math.max(underMax, ms);
      checkShape(cmd, text);
    }
    // On a shared machine a run can be preempted or hit by a GC pause: neither is the parser's cost. An
    // input over the limit is measured again later, up to 10 times, and charged its fastest run; a parser
    // that is really slow on an input is slow on every run.
    let max = underMax;
    let slowest = 'a first run';
    for (const o of over) {
      for (let attempt = 0; attempt < 10 && o.ms >= LIMIT_MS; attempt++) {
        const t0 = performance.now();
        parseCommand(o.text, o.options);
        o.ms = Math.min(o.ms, performance.now() - t0);
      }
      if (o.ms > max) {
        max = o.ms;
        slowest = `#${o.i} (${o.text.length} chars)`;
      }
    }
    console.info(
      `parseCommand over ${N} random inputs: mean ${(total / N).toFixed(4)} ms, first-run max ${firstMax.toFixed(3)} ms; ` +
        `${over.length} first runs over ${LIMIT_MS} ms, re-measured: max ${max.toFixed(3)} ms (${slowest})`,
    );
    expect(max, `slowest input: ${slowest}`).toBeLessThan(LIMIT_MS);
  });

  it('never throws on values that are not strings', () => {
    for (const junk of [undefined, null, 42, {}, [], Symbol('x'), () => 1, new String('refill 1')]) {
      expect(() => parseCommand(junk as never)).not.toThrow();
      expect(parseCommand(junk as never).id).toBe('unknown');
    }
    for (const options of [
      null,
      42,
      'x',
      { maxIds: -1 },
      { aliases: 'x' },
      { aliases: { a: 7 } },
      { custom: [7, null] },
    ]) {
      expect(() => parseCommand('refill 1', options as never)).not.toThrow();
      expect(parseCommand('refill 1', options as never).id).toBe('refill');
    }
  });
});
