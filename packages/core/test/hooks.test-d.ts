import { describe, expectTypeOf, it } from 'vitest';
import {
  createHooks,
  type InboundMessage,
  type OutboundMessage,
  type Outcome,
  type ParsedCommand,
  type PluginHooks,
  type Turn,
  type Verdict,
} from '../src/index.js';

describe('hook signatures', () => {
  const hooks = createHooks();

  it('types the engine-side calls', () => {
    expectTypeOf(hooks.verify.promise).parameters.toEqualTypeOf<[Turn]>();
    expectTypeOf(hooks.verify.promise).returns.resolves.toEqualTypeOf<Verdict | undefined>();
    expectTypeOf(hooks.inbound.promise).returns.resolves.toEqualTypeOf<InboundMessage>();
    expectTypeOf(hooks.command.get('order')!.promise).returns.resolves.toEqualTypeOf<Outcome | undefined>();
  });

  it('types the plugin-side taps', () => {
    const tapVerify = null as unknown as PluginHooks['verify']['tap'];
    expectTypeOf(tapVerify).parameter(1).parameters.toEqualTypeOf<[Turn]>();
    expectTypeOf(tapVerify).parameter(1).returns.toEqualTypeOf<Verdict | undefined | Promise<Verdict | undefined>>();

    const tapCommand = null as unknown as ReturnType<PluginHooks['command']['for']>['tap'];
    expectTypeOf(tapCommand).parameter(1).parameters.toEqualTypeOf<[Turn, ParsedCommand]>();

    const tapReply = null as unknown as PluginHooks['reply']['tap'];
    expectTypeOf(tapReply).parameter(1).returns.toEqualTypeOf<OutboundMessage | Promise<OutboundMessage>>();
  });

  it('rejects a verify tap that returns a boolean (it would end the chain)', () => {
    const ph = null as unknown as PluginHooks;
    // @ts-expect-error a bail hook must return a Verdict or undefined, not `false`
    ph.verify.tap('bad', () => false);
    // @ts-expect-error waterfall taps must return the message
    ph.inbound.tap('bad', () => 42);
  });
});
