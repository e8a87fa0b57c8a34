import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';

const admin = `${A}:staff_admin`;
const gid = (chat: string) => encodeURIComponent(`wa-a:${chat}`);

describe('groups', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
    await app.say(A, 'u1', 'hello', 'g1');
    await app.say(A, 'u2', 'hello', 'g2');
    await app.say(B, 'u9', 'hello', 'g9');
  });
  afterEach(() => app.stop());

  it('lists the groups the bot has seen, with their flags', async () => {
    const res = await app.call(admin, 'GET', '/api/v1/groups');
    expect(res.json().total).toBe(2);
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'wa-a:g1',
          chat_id: 'g1',
          title: 'Group g1',
          support_enabled: true,
          marketing_enabled: false,
          silent_mode: false,
        }),
      ]),
    );
    expect((await app.call(admin, 'GET', '/api/v1/groups?limit=1&page=2')).json().items).toHaveLength(1);
  });

  it('toggles flags, applied from the next message (silent: processed, logged, not answered)', async () => {
    const res = await app.call(admin, 'PATCH', `/api/v1/groups/${gid('g1')}`, {
      silent_mode: true,
      marketing_enabled: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ silent_mode: true, marketing_enabled: true, support_enabled: true });
    const sent = app.chats[A]!.sent.length;
    await app.say(A, 'u1', 'help', 'g1');
    await new Promise((r) => setTimeout(r, 100));
    expect(app.chats[A]!.sent.length).toBe(sent);
    const logs = (await app.call(admin, 'GET', '/api/v1/logs?action=help')).json();
    expect(logs.total).toBe(1);
    expect((await app.call(admin, 'PATCH', `/api/v1/groups/${gid('g1')}`, {})).statusCode).toBe(400);
    expect((await app.call(admin, 'PATCH', `/api/v1/groups/${gid('g1')}`, { silent_mode: 'yes' })).statusCode).toBe(
      400,
    );
    expect((await app.call(admin, 'PATCH', `/api/v1/groups/${gid('nope')}`, { silent_mode: true })).statusCode).toBe(
      404,
    );
  });

  it('forgets a group; it comes back with support on when it writes again', async () => {
    await app.call(admin, 'PATCH', `/api/v1/groups/${gid('g2')}`, { support_enabled: false });
    expect((await app.call(admin, 'DELETE', `/api/v1/groups/${gid('g2')}`)).json()).toEqual({ ok: true });
    expect((await app.call(admin, 'DELETE', `/api/v1/groups/${gid('g2')}`)).statusCode).toBe(404);
    expect((await app.call(admin, 'GET', '/api/v1/groups')).json().total).toBe(1);
    await app.say(A, 'u2', 'hello', 'g2');
    const back = (await app.call(admin, 'GET', '/api/v1/groups'))
      .json()
      .items.find((g: { id: string }) => g.id === 'wa-a:g2');
    expect(back).toMatchObject({ support_enabled: true });
  });

  it('syncs from channels that can list their groups, and says so when none can', async () => {
    const none = await app.call(`${B}:owner`, 'POST', '/api/v1/groups/sync');
    // B's login channel lists nothing: it is still a source, and the known group is returned.
    expect(none.json()).toMatchObject({ sources: ['web-b'], added: 0, total: 1 });
    app.logins[A]!.groups = [{ id: 'w1@g.us', title: 'First' }, { id: 'w2@g.us' }];
    const res = await app.call(admin, 'POST', '/api/v1/groups/sync');
    expect(res.json()).toMatchObject({ sources: ['web-a'], added: 2, updated: 0, total: 4 });
    expect(res.json().items.find((g: { id: string }) => g.id === 'web-a:w1@g.us')).toMatchObject({
      title: 'First',
      support_enabled: true,
      marketing_enabled: false,
    });
    app.logins[A]!.groups = [{ id: 'w1@g.us', title: 'Renamed' }];
    const again = await app.call(admin, 'POST', '/api/v1/groups/sync');
    expect(again.json()).toMatchObject({ added: 0, updated: 1, total: 4 });
    // Unregister the listing channel's ability: the answer explains where groups come from.
    Object.assign(app.logins[A]!, { listGroups: undefined });
    const plain = (await app.call(admin, 'POST', '/api/v1/groups/sync')).json();
    expect(plain).toMatchObject({ sources: [], added: 0, total: 4 });
    expect(plain.note).toMatch(/appear when the bot receives a message/);
  });

  it('staff may not manage groups', async () => {
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/groups')).statusCode).toBe(403);
  });
});

describe('templates', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  it('lists every key with default, override, effective text and variables', async () => {
    const items = (await app.call(admin, 'GET', '/api/v1/templates')).json().items;
    expect(items.length).toBeGreaterThan(35);
    expect(items.find((t: { key: string }) => t.key === 'refill_submitted')).toMatchObject({
      override: null,
      vars: ['order_id'],
      updated_at: null,
    });
  });

  it('sets a key (its own variables only) and custom mode uses it from the next message; reset restores it', async () => {
    const bad = await app.call(admin, 'PATCH', '/api/v1/templates/refill_submitted', { value: 'Done {orderid}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/\{order_id\}/);
    const res = await app.call(admin, 'PATCH', '/api/v1/templates/not_understood', { value: '*Try* `help`' });
    expect(res.json()).toMatchObject({ key: 'not_understood', override: '*Try* `help`', effective: '*Try* `help`' });
    await app.call(`${A}:owner`, 'PATCH', '/api/v1/config', { key: 'chat_mode', value: 'custom' });
    await app.say(A, 'u1', 'blah blah');
    await vi.waitFor(() => expect(app.chats[A]!.sent.at(-1)?.text).toBe('*Try* `help`'));
    const reset = await app.call(admin, 'POST', '/api/v1/templates/not_understood/reset');
    expect(reset.json()).toMatchObject({ had_override: true, item: { override: null } });
    const again = await app.call(admin, 'POST', '/api/v1/templates/not_understood/reset');
    expect(again.json().had_override).toBe(false);
  });

  it('answers 404 for an unknown key and 403 for staff', async () => {
    expect((await app.call(admin, 'PATCH', '/api/v1/templates/nope', { value: 'x' })).statusCode).toBe(404);
    expect((await app.call(admin, 'POST', '/api/v1/templates/help/reset')).statusCode).toBe(404);
    expect((await app.call(`${A}:staff`, 'PATCH', '/api/v1/templates/blocked', { value: 'x' })).statusCode).toBe(403);
  });
});
