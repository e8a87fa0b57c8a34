import { type Engine, PERMISSIONS, type Role } from '@smmbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxToken, PAGES } from '../src/index.js';
import { as, type InboxHost, openStream as open, say as sayIn, startInboxHost } from './inbox-harness.js';

let host: InboxHost;
let engine: Engine;
let base: string;

beforeAll(async () => {
  host = await startInboxHost();
  engine = host.engine;
  base = host.base;
});

afterAll(async () => {
  await host?.stop();
});

const say = (path: string, chatId: string, text: string) => sayIn(base, path, chatId, text);
const openStream = (tenant: string, role: Role = 'owner') => open(base, tenant, role);

interface InboxBody {
  conversations: { chatId: string; messages: { text: string; replies: string[] }[] }[];
}
const inboxOf = async (tenant: string, role: Role = 'owner') =>
  (await (await fetch(`${base}/api/v1/inbox`, { headers: as(tenant, role) })).json()) as InboxBody;

describe('the app files', () => {
  it('serves the page at /app and at client-side routes, with the permission table inlined', async () => {
    for (const path of ['/app', '/app/', '/app/logs', '/app/master/plans']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const boot = JSON.parse(/<script id="boot" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
      expect(boot.permissions).toEqual(PERMISSIONS);
      expect(boot.pages.map((p: { id: string }) => p.id)).toEqual(PAGES.map((p) => p.id));
      expect(boot.aliases).toEqual({ whatsapp: 'channels' });
      expect(html).toContain('<base href="/app/">');
    }
  });

  it('serves the modules and styles with their types; unknown files are 404, paths cannot escape', async () => {
    const js = await fetch(`${base}/app/js/main.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toContain('pagesFor');
    expect((await fetch(`${base}/app/css/base.css`)).headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${base}/app/js/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/app/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/app/%2E%2E/src/index.ts`)).status).toBe(404);
  });

  it('draws a QR code as SVG for whoever may open Channels (the owner) only', async () => {
    const data = encodeURIComponent('2@abc,def,ghi==');
    expect((await fetch(`${base}/app/qr.svg?data=${data}`)).status).toBe(401);
    expect((await fetch(`${base}/app/qr.svg?data=${data}`, { headers: as('t1', 'staff') })).status).toBe(403);
    const res = await fetch(`${base}/app/qr.svg?data=${data}`, { headers: as('t1') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toMatch(/^<svg[\s\S]*<path[\s\S]*<\/svg>\s*$/);
    expect((await fetch(`${base}/app/qr.svg`, { headers: as('t1') })).status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('describes the inbox routes with their session permission', async () => {
    type Op = {
      'x-permission'?: string;
      parameters: { name: string }[];
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
      responses: Record<string, unknown>;
    };
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: Op; post: Op }>;
    };
    const stream = doc.paths['/api/v1/inbox/stream']!.get;
    expect(stream['x-permission']).toBe('dashboard.logs');
    expect(doc.paths['/api/v1/inbox']!.get.parameters.map((p) => p.name)).toEqual(['limit']);
    expect(doc.paths['/app/qr.svg']!.get['x-permission']).toBe('dashboard.channels');
    const reply = doc.paths['/api/v1/inbox/reply']!.post;
    expect(reply['x-permission']).toBe('dashboard.logs');
    expect(reply.requestBody.content['application/json']!.schema.required.sort()).toEqual(
      ['channel', 'chat_id', 'client_id', 'text'].sort(),
    );
    expect(Object.keys(reply.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
  });
});

describe('the chat inbox', () => {
  it('lists recent conversations of the caller’s workspace only', async () => {
    await say('/webchat', 'alice', 'help');
    await say('/webchat2', 'bob', 'help');
    const mine = await inboxOf('t1', 'staff');
    expect(mine.conversations.map((c) => c.chatId)).toEqual(['alice']);
    const first = mine.conversations[0]?.messages[0];
    expect(first).toMatchObject({ text: 'help', channel: 'webchat', status: 'answered' });
    expect(first?.replies[0]).toContain('Here is what I can do');
    const theirs = await inboxOf('t2');
    expect(theirs.conversations.map((c) => c.chatId)).toEqual(['bob']);
  });

  it('needs a session with dashboard.logs', async () => {
    expect((await fetch(`${base}/api/v1/inbox`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/inbox`, { headers: as('t1', 'customer') })).status).toBe(403);
    expect((await fetch(`${base}/api/v1/inbox/stream`)).status).toBe(401);
  });

  it('streams each settled turn of the session’s workspace, never another’s', async () => {
    const stream = await openStream('t1', 'staff');
    expect(stream.status).toBe(200);
    expect(stream.type).toContain('text/event-stream');
    await say('/webchat2', 'eve', 'order 1001');
    await say('/webchat', 'carol', 'hi there');
    await say('/webchat', 'carol', '!config set panel_api_key sk-very-secret');
    const turns = await stream.turns(2);
    stream.close();
    expect(turns.map((t) => t.chatId)).toEqual(['carol', 'carol']);
    expect(turns[0]).toMatchObject({ text: 'hi there', chatKind: 'private', channel: 'webchat' });
    expect(turns[1]!.text).toBe('!config set panel_api_key [hidden]');
    expect(stream.text()).not.toContain('sk-very-secret');
    expect(stream.text()).not.toContain('"chatId":"eve"');
  });

  it('drops the listener when the client goes away, and ends streams at shutdown', async () => {
    const inbox = engine.container.resolve(InboxToken);
    const gone = await openStream('t2');
    await expect.poll(() => gone.text()).toContain('retry: 2000');
    expect(inbox.listenerCount('t2')).toBe(1);
    gone.close();
    await expect.poll(() => inbox.listenerCount('t2')).toBe(0);

    const open = await openStream('t1');
    expect(inbox.listenerCount('t1')).toBe(1);
    inbox.close();
    await open.ended;
    expect(inbox.listenerCount('t1')).toBe(0);
  });
});
