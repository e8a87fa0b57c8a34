import { describe, expect, it } from 'vitest';
import { type BotPlugin, flattenPlugins, sortPlugins } from '../src/index.js';
import { setup } from './helpers.js';

const p = (name: string, extra: Partial<BotPlugin> = {}): BotPlugin => ({ name, ...extra });

describe('plugin ordering', () => {
  it('puts pre plugins first and post plugins last, keeping config order inside a tier', () => {
    const sorted = sortPlugins([p('a'), p('b', { enforce: 'post' }), p('c', { enforce: 'pre' }), p('d')]);
    expect(sorted.map((x) => x.name)).toEqual(['c', 'a', 'd', 'b']);
  });

  it('applies a plugin after the plugins it depends on', () => {
    const sorted = sortPlugins([
      p('panel-ui', { dependsOn: ['panel'] }),
      p('panel'),
      p('x', { enforce: 'pre', dependsOn: ['panel'] }),
    ]);
    expect(sorted.map((x) => x.name)).toEqual(['panel', 'x', 'panel-ui']);
  });

  it('reports a dependency cycle', () => {
    expect(() => sortPlugins([p('a', { dependsOn: ['b'] }), p('b', { dependsOn: ['a'] })])).toThrow(/cycle: a, b/);
  });

  it('flattens presets and skips falsy entries', () => {
    expect(flattenPlugins([p('a'), false, [p('b'), [p('c')], null], undefined]).map((x) => x.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('stages taps by enforce tier and names them after the plugin', async () => {
    const calls: string[] = [];
    const tapper = (name: string, enforce?: 'pre' | 'post'): BotPlugin => ({
      name,
      enforce,
      apply: ({ hooks }) => hooks.verify.tap('t', () => void calls.push(name)),
    });
    const { engine, channel } = setup([tapper('late', 'post'), tapper('normal'), tapper('early', 'pre')]);
    await engine.start();
    await engine.handle(channel.message('hi'));
    expect(calls).toEqual(['early', 'normal', 'late']);
    expect(engine.hooks.verify.taps.map((t) => t.name)).toEqual(['early:t', 'normal:t', 'late:t']);
  });
});
