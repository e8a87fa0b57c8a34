import { describe, expect, it } from 'vitest';
import {
  basicCommands,
  definePlugin,
  HELP_TEXT,
  PanelError,
  Stage,
  type BotPlugin,
  type OutboundMessage,
} from '../src/index.js';
import { FakePanel } from '../src/testing/index.js';
import { setup } from './helpers.js';
import { z } from 'zod';

const panel = () =>
  new FakePanel([
    { id: '54321', status: 'in_progress', serviceName: 'Instagram Followers [R30]', startCount: 100, remains: 40 },
  ]);

describe('engine: a turn end to end', () => {
  it('answers help with the fixed menu', async () => {
    const { engine, channel } = setup([basicCommands()]);
    await engine.start();
    const result = await engine.handle(channel.message('HELP'));
    expect(result.status).toBe('answered');
    expect(channel.sent.map((m) => m.text)).toEqual([HELP_TEXT]);
    expect(channel.sent[0]).toMatchObject({
      chatId: 'chat-1',
      inReplyTo: 'in-1',
      priority: 'support',
      template: 'help',
    });
  });

  it('looks orders up through the panel capability', async () => {
    const p = panel();
    const { engine, channel } = setup([basicCommands(), p.plugin()]);
    await engine.start();
    await engine.handle(channel.message('order #54321, 999'));
    expect(channel.sent[0]!.text).toContain('Order #54321');
    expect(channel.sent[0]!.text).toContain('Status: In progress');
    expect(channel.sent[0]!.text).toContain('Order #999: not found');
    expect(p.calls).toBe(1);
  });

  it('says politely what it cannot do when no panel is connected', async () => {
    const { engine, channel } = setup([basicCommands()]);
    await engine.start();
    await engine.handle(channel.message('refill 54321'));
    expect(channel.sent[0]!.text).toMatch(/not connected to a panel yet/);
  });

  it('never answers a redelivered message twice', async () => {
    const { engine, channel } = setup([basicCommands()]);
    await engine.start();
    const msg = channel.message('help');
    const [a, b] = await Promise.all([engine.handle(msg), engine.handle({ ...msg })]);
    const c = await engine.handle({ ...msg });
    expect([a.status, b.status, c.status]).toEqual(['answered', 'duplicate', 'duplicate']);
    expect(channel.sent).toHaveLength(1);
  });

  it('forgets the claim when nothing could be delivered, so a redelivery is answered', async () => {
    const { engine, channel } = setup([basicCommands()]);
    await engine.start();
    const msg = channel.message('help');
    channel.failNext();
    channel.failNext();
    const first = await engine.handle(msg);
    expect(first.status).toBe('failed');
    expect(channel.sent).toHaveLength(0);
    const second = await engine.handle({ ...msg });
    expect(second.status).toBe('answered');
    expect(channel.sent).toHaveLength(1);
  });

  it('ends the turn on a verify verdict', async () => {
    const gate: BotPlugin = {
      name: 'gate',
      apply: ({ hooks }) =>
        hooks.verify.tap('blocked', (turn) =>
          turn.message.sender.id === 'blocked'
            ? { kind: 'answer', reason: 'blocked', reply: { text: 'You are blocked.' } }
            : turn.message.text === 'ignore me'
              ? { kind: 'drop', reason: 'muted' }
              : undefined,
        ),
    };
    const { engine, channel } = setup([basicCommands(), gate]);
    await engine.start();
    const blocked = await engine.handle(channel.message('help', { sender: { id: 'blocked' } }));
    const dropped = await engine.handle(channel.message('ignore me'));
    expect(blocked).toMatchObject({ status: 'answered', reason: 'blocked' });
    expect(dropped).toMatchObject({ status: 'dropped', reason: 'muted' });
    expect(channel.sent.map((m) => m.text)).toEqual(['You are blocked.']);
  });

  it('runs inbound and reply as waterfalls in stage order', async () => {
    const order: string[] = [];
    const shaper: BotPlugin = {
      name: 'shaper',
      apply: ({ hooks }) => {
        hooks.inbound.tap('trim', (m) => ({ ...m, text: m.text.replace('please ', '') }));
        const sign = (m: OutboundMessage) => {
          order.push('sign');
          return { ...m, text: `${m.text}\n— Support` };
        };
        const upper = (m: OutboundMessage) => {
          order.push('upper');
          return { ...m, text: m.text.toUpperCase() };
        };
        hooks.reply.tap('sign', sign, {
          stage: Stage.POST,
        });
        hooks.reply.tap('upper', upper, {
          stage: Stage.PRE,
        });
      },
    };
    const { engine, channel } = setup([basicCommands(), shaper]);
    await engine.start();
    await engine.handle(channel.message('please order'));
    expect(order).toEqual(['upper', 'sign']);
    expect(channel.sent[0]!.text).toBe('PLEASE SEND THE ORDER ID, FOR EXAMPLE: ORDER 54321\n— Support');
  });

  it('keeps a failing sent tap from failing the turn', async () => {
    const flaky: BotPlugin = {
      name: 'flaky',
      apply: ({ hooks }) => hooks.sent.tap('boom', () => Promise.reject(new Error('x'))),
    };
    const { engine, channel } = setup([basicCommands(), flaky]);
    await engine.start();
    expect((await engine.handle(channel.message('help'))).status).toBe('answered');
  });
});

describe('engine: errors', () => {
  const thrower = (hook: 'inbound' | 'verify' | 'command' | 'reply'): BotPlugin => ({
    name: 'exploding-plugin',
    apply: ({ hooks }) => {
      const boom = () => {
        throw new Error('database password=hunter2 at /srv/app.js:12');
      };
      if (hook === 'command') hooks.command.for('help').tap('boom', boom, { stage: Stage.PRE });
      else if (hook === 'inbound') hooks.inbound.tap('boom', boom);
      else if (hook === 'verify') hooks.verify.tap('boom', boom);
      else hooks.reply.tap('boom', boom);
    },
  });

  for (const hook of ['inbound', 'verify', 'command', 'reply'] as const) {
    it(`a throw in ${hook} gets the customer a safe reply and logs plugin and hook`, async () => {
      const { engine, channel, logs } = setup([basicCommands(), thrower(hook)]);
      await engine.start();
      const result = await engine.handle(channel.message('help'));
      expect(result.status).toBe('failed');
      expect(channel.sent).toHaveLength(1);
      const text = channel.sent[0]!.text;
      expect(text).toBe('Sorry, something went wrong on our side. Please try again in a few minutes.');
      expect(text).not.toMatch(/hunter2|\.js|Error|at /);
      const line = logs.lines.find((l) => l.msg === 'turn failed')!;
      expect(line).toMatchObject({ plugin: 'exploding-plugin', hook: hook === 'command' ? 'command:help' : hook });
      expect(line).toMatchObject({ tenant: 'default', channel: 'fake', msgId: 'in-1' });
      expect(JSON.stringify(line)).toContain('hunter2'); // the log keeps the technical detail
    });
  }

  it('turns a panel timeout into the timeout message', async () => {
    const p = panel();
    p.failWith = new PanelError('timeout', 'GET /orders took 10000 ms');
    const { engine, channel, logs } = setup([basicCommands(), p.plugin()]);
    await engine.start();
    await engine.handle(channel.message('order 54321'));
    expect(channel.sent[0]!.text).toBe('The panel is taking too long to answer. Please try again in a few minutes.');
    expect(logs.lines.find((l) => l.msg === 'turn failed')).toMatchObject({
      errorCode: 'E_TIMEOUT',
      plugin: '@smmbot/core:basic-commands',
    });
  });

  it('rejects duplicate plugin names and missing dependencies at start', async () => {
    const a = setup([{ name: 'x' }, { name: 'x' }]);
    await expect(a.engine.start()).rejects.toMatchObject({ code: 'E_PLUGIN_DUPLICATE' });
    const b = setup([{ name: 'y', dependsOn: ['z'] }]);
    await expect(b.engine.start()).rejects.toThrow(/"y" depends on "z"/);
  });

  it('validates plugin options with a path, what was expected and what was found', () => {
    const p = definePlugin({ name: 'demo', options: z.object({ limit: z.number() }), setup: () => ({ name: 'demo' }) });
    expect(() => p({ limit: 'ten' } as never)).toThrow(
      /plugins\["demo"\]\.options\.limit: .*expected number.*found "ten"/,
    );
  });
});

describe('engine: ordering and shutdown', () => {
  it('keeps one conversation in order while others run in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: string[] = [];
    const slow: BotPlugin = {
      name: 'slow',
      apply: ({ hooks }) =>
        hooks.command.for('unknown').tap('slow', async (turn) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, turn.message.text === 'a1' ? 20 : 1));
          seen.push(turn.message.text);
          inFlight--;
          return { replies: [{ text: turn.message.text }] };
        }),
    };
    const { engine, channel } = setup([slow]);
    await engine.start();
    const chatA = { id: 'A', kind: 'private' as const };
    const chatB = { id: 'B', kind: 'private' as const };
    await Promise.all([
      engine.handle(channel.message('a1', { chat: chatA })),
      engine.handle(channel.message('a2', { chat: chatA })),
      engine.handle(channel.message('b1', { chat: chatB })),
    ]);
    expect(seen.indexOf('a1')).toBeLessThan(seen.indexOf('a2'));
    expect(seen.indexOf('b1')).toBeLessThan(seen.indexOf('a1')); // b1 did not wait behind chat A
    expect(maxInFlight).toBe(2);
  });

  it('drains turns in flight on stop and refuses new ones', async () => {
    const { engine, channel } = setup([basicCommands()]);
    let shutdown = false;
    const markShutdown = () => {
      shutdown = true;
    };
    engine.use({ name: 'watch', apply: ({ hooks }) => hooks.shutdown.tap('mark', markShutdown) });
    await engine.start();
    const inFlight = engine.handle(channel.message('help'));
    await engine.stop();
    expect((await inFlight).status).toBe('answered');
    expect(shutdown).toBe(true);
    await expect(engine.handle(channel.message('help'))).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
  });

  it('refuses to start without storage, saying which plugin to add', async () => {
    const { createEngine } = await import('../src/index.js');
    await expect(createEngine().start()).rejects.toThrow(/add a storage plugin such as @smmbot\/storage-sqlite/);
  });
});

describe('basic commands with a panel but without the full command set', () => {
  it('says a known request is not switched on yet, and still looks orders up', async () => {
    const p = panel();
    const { engine, channel } = setup([basicCommands(), p.plugin()]);
    await engine.start();
    await engine.handle(channel.message('refill 54321'));
    await engine.handle(channel.message('order 54321'));
    expect(channel.sent[0]!.text).toMatch(/not switched on in the bot yet/);
    expect(channel.sent[1]!.text).toContain('Order #54321');
  });
});

describe('Engine.addTenant', () => {
  it('serves a workspace created at runtime: in tenantIds (the array plugins hold) and tenantAdded fires once', async () => {
    const added: string[] = [];
    let held: readonly string[] = [];
    const { engine } = setup(
      [
        {
          name: 'watch',
          apply(ctx) {
            held = ctx.tenants;
            ctx.hooks.tenantAdded.tap('record', (t) => {
              added.push(t);
            });
          },
        },
      ],
      { tenants: ['a'] },
    );
    await engine.start();
    expect(await engine.addTenant('b')).toBe(true);
    expect(await engine.addTenant('b')).toBe(false);
    expect(held).toEqual(['a', 'b']);
    expect(added).toEqual(['b']);
    await engine.stop();
  });
});
