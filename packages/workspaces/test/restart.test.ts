import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BotPlugin, VirtualClock } from '@smmbot/core';
import { sqliteStorage } from '@smmbot/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountsToken, COOKIE } from '../src/index.js';
import { OTHER, OWNER, signup, start } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A normal-tier plugin that records what its boot tap sees, and every `tenantAdded`. */
function observer() {
  const seen = { atBoot: [] as string[], added: [] as string[] };
  const plugin: BotPlugin = {
    name: 'observer',
    apply({ hooks, tenants }) {
      hooks.boot.tap('look', () => {
        seen.atBoot = [...tenants];
      });
      hooks.tenantAdded.tap('count', (tenant) => {
        seen.added.push(tenant);
      });
    },
  };
  return { seen, plugin };
}

describe('workspaces across restarts', () => {
  it('serves stored workspaces again at the next start, before other boot taps; sessions and passwords survive', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smmbot-ws-'));
    dirs.push(dir);
    const file = path.join(dir, 'smmbot.db');
    const clock = new VirtualClock();

    const first = observer();
    const one = await start({ clock, storage: sqliteStorage({ path: file }), extra: [first.plugin] });
    const { client, tenant } = await signup(one, OWNER);
    // Created at runtime: the `tenantAdded` hook set it up.
    expect(first.seen.added).toEqual([tenant]);
    await one.engine.stop();

    // A new engine on the same file, with stronger password hashing configured.
    const second = observer();
    const two = await start({
      clock,
      storage: sqliteStorage({ path: file }),
      extra: [second.plugin],
      options: { scrypt: { logN: 16 } },
    });
    expect(two.engine.tenantIds).toContain(tenant);
    expect(second.seen.atBoot).toContain(tenant);

    // The session cookie from before the restart still verifies (the sealed root key was kept).
    const carried = two.client();
    carried.setCookie(COOKIE.session, client.cookie(COOKIE.session)!);
    expect((await carried.get('/api/v1/auth/me')).json.workspace.id).toBe(tenant);

    // Sign-in works, and re-hashes the password with the raised cost.
    const accounts = two.engine.container.resolve(AccountsToken);
    const userId = (await accounts.findByPhone(OWNER))!.user.id;
    expect((await accounts.getUser(tenant, userId))!.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
    const login = await two.client().post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' });
    expect(login.status).toBe(200);
    expect((await accounts.getUser(tenant, userId))!.passwordHash).toMatch(/^scrypt\$16\$8\$1\$/);
    expect(
      (await two.client().post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' })).status,
    ).toBe(200);

    // A workspace created now is added at runtime.
    const later = await signup(two, OTHER);
    expect(second.seen.added).toEqual([later.tenant]);
    await two.engine.stop();
  });
});
