import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, hostConfigSchema } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Host } from '../src/index.js';

/**
 * The new user's journey of the README over the real host's HTTP API (the dashboard does the same
 * calls): sign up with phone + OTP, connect the bundled panel simulator from the workspace settings,
 * talk to the workspace's own web chat, and find the conversation in the message logs.
 */
describe('a new workspace on the embedded default', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.stop();
  });

  it('signs up, connects the simulated panel, and its web chat answers from that panel', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const config = hostConfigSchema.parse({
      storage: { driver: 'memory' },
      http: { port: 0 },
      simulator: { enabled: true, port: 0 },
    });
    host = new Host({ config, cwd: mkdtempSync(path.join(os.tmpdir(), 'smmbot-ws-')), logger });
    await host.start();
    const base = host.url.replace('localhost', '127.0.0.1');
    let cookies = '';
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(base + url, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), cookie: cookies },
        body: body ? JSON.stringify(body) : undefined,
      });
      const set = res.headers.getSetCookie();
      if (set.length) {
        const jar = new Map(
          cookies
            .split('; ')
            .filter(Boolean)
            .map((c) => c.split('=') as [string, string]),
        );
        for (const c of set) {
          const [pair] = c.split(';');
          const [k, v] = pair!.split('=');
          jar.set(k!, v ?? '');
        }
        cookies = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      }
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };

    const phone = '+8801711000001';
    expect((await call('POST', '/api/v1/auth/phone/send', { phone })).status).toBe(200);
    const code = /one-time code (\d{6})/.exec(lines.join('\n'))?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const verified = await call('POST', '/api/v1/auth/phone/verify', {
      phone,
      otp: code,
      password: 'correct horse battery',
      workspaceName: 'Demo SMM',
    });
    expect(verified.status).toBe(201);
    const me = await call('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    const tenant: string = me.body.workspace?.id ?? me.body.tenantId ?? me.body.user?.tenantId;
    expect(tenant).toMatch(/\w/);
    expect(me.body.user?.role ?? me.body.role).toBe('owner');

    // The simulator prints how to connect to it; the owner pastes that into Bot Settings → Panel.
    const hint = /panel URL ([^\s"]+) and admin API key ([^\s"]+)/.exec(lines.join('\n'));
    expect(hint).not.toBeNull();
    for (const [key, value] of [
      ['panel_url', hint![1]],
      ['panel_api_key', hint![2]],
    ]) {
      expect((await call('PATCH', '/api/v1/config', { key, value })).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 50));
    const validated = await call('POST', '/api/v1/config/validate-panel');
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ reachable: true });
    expect(JSON.stringify(validated.body)).not.toMatch(/refused|invalid/i);

    // The workspace's own web chat: the bot asks the customer to verify against the connected panel.
    const say = async (text: string) => {
      const r = await call('POST', `/w/${tenant}/chat/messages`, { chatId: 'c1', senderId: 'u1', text });
      expect(r.status).toBe(200);
      return (r.body.replies as { text: string }[]).map((x) => x.text).join('\n');
    };
    expect(await say('order 1001')).toMatch(/verify|username/i);
    expect(await say('demo')).toMatch(/6-digit code has been sent/);

    const logs = await call('GET', '/api/v1/logs');
    expect(logs.status).toBe(200);
    expect(JSON.stringify(logs.body)).toContain('order 1001');
    // Another workspace's chat does not exist; the default tenant's data is not this workspace's.
    expect((await call('POST', '/w/nope/chat/messages', { chatId: 'c', senderId: 'u', text: 'hi' })).status).toBe(404);
  });
});
