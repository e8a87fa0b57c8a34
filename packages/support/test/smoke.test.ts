import { afterEach, describe, expect, it } from 'vitest';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('support plugin (skeleton)', () => {
  it('answers help with the fixed menu and free text with a pointer to help', async () => {
    h = await supportHarness({ botConfig: { verification_enabled: false } });
    expect((await h.say('help'))[0]).toMatch(/Here is what I can do/);
    expect((await h.say('what is this'))[0]).toMatch(/did not understand/);
    expect(await h.say('random chatter', { group: true })).toEqual([]);
  });
});
