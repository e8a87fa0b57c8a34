import { afterEach, describe, expect, it } from 'vitest';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('per-tenant command words', () => {
  it('parses tenant aliases and answers custom commands, per tenant', async () => {
    h = await supportHarness({
      support: {
        aliases: { menu2: 'help' },
        customCommands: { 'price list': 'Prices: https://panel.example/services' },
        tenants: { other: { customCommands: { 'other only': 'not for default' } } },
      },
    });
    expect((await h.say('menu2'))[0]).toMatch(/Here is what I can do/);
    expect(await h.say('PRICE LIST')).toEqual(['Prices: https://panel.example/services']);
    // Another tenant's custom command is not a command here.
    expect((await h.say('other only')).join('\n')).not.toContain('not for default');
  });
});
