import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// These tests run the built CLI exactly as a user would; `npm test` builds before testing.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/minimal/dist/index.js', import.meta.url));
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'smmbot-cli-'));
const env = { ...process.env, PORT: '', SMMBOT_SECRET_KEY: '' };
const cli = (args: string[], cwd: string, input?: string) =>
  spawnSync('node', [CLI, ...args], { cwd, input, encoding: 'utf8', env, timeout: 30_000 });

function cliAsync(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('node', [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error('packages/host/dist/cli.js is missing: run `pnpm build` (npm test does it for you)');
});

let child: ChildProcess | undefined;
afterEach(() => child?.kill('SIGKILL'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('smmbot CLI', () => {
  it('start runs the embedded default (SQLite in ./.smmbot, web chat) and stops cleanly on SIGTERM', async () => {
    const cwd = tmp();
    const port = await freePort();
    child = spawn('node', [CLI, 'start', '--port', String(port)], { cwd, env });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!out.includes('smmbot is running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain(`http://localhost:${port}/webchat`);
    const say = async (text: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chatId: 'c', senderId: 'u', text }),
      });
      return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
    };
    // The whole customer journey on the embedded default: the simulator is the panel, and its ticket
    // inbox (where the verification code lands) is printed by the host.
    expect(await say('order 1001')).toMatch(/verify|username/i);
    expect(await say('demo')).toMatch(/6-digit code has been sent/);
    const code = /ticket #\d+ for "demo": .*?\b(\d{6})\b/.exec(out)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(await say(code!)).toMatch(/Verified!/);
    const reply = await say('order 1001');
    expect(reply).toContain('1001');
    expect(reply).toMatch(/Pending|In progress|Processing|Completed|Partial|Canceled|Refunded/);
    expect(await say('order 1')).toMatch(/not found|does not belong/);
    expect(existsSync(path.join(cwd, '.smmbot', 'smmbot.db'))).toBe(true);
    const exit = new Promise<number | null>((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('engine stopped');
  });

  it('keys create makes a send-API key that the running host accepts; balancer prints the phones', async () => {
    const cwd = tmp();
    const created = cli(['keys', 'create', 'billing'], cwd);
    expect(created.status).toBe(0);
    const key = /\n(smk_\S+)/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect(cli(['keys'], cwd).stdout).toContain('billing');
    expect(cli(['balancer'], cwd).stdout).toContain('has no anti-ban phones');

    const port = await freePort();
    child = spawn('node', [CLI, 'start', '--port', String(port)], { cwd, env });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!out.includes('smmbot is running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const post = (apiKey: string) =>
      fetch(`http://127.0.0.1:${port}/api/v1/send-message`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ number: '+880 1711-000000', text: 'Your invoice is ready' }),
      });
    expect((await post('smk_wrong')).status).toBe(401);
    const res = await post(key!);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const status = await fetch(`http://127.0.0.1:${port}/api/v1/messages/${id}`, { headers: { 'x-api-key': key! } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { id: string }).id).toBe(id);
  });

  it('chat answers piped lines through the same engine', () => {
    const r = cli(['chat'], tmp(), 'help\nhello\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('bot> Here is what I can do:');
    // Unverified: a greeting starts the verification flow.
    expect(r.stdout).toMatch(/bot> Welcome! Please enter your panel username/);
  });

  it('parse prints the parsed command as JSON', () => {
    const r = cli(['parse', 'refill: #123, #124'], tmp());
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'refill', ids: ['123', '124'] });
  });

  it('doctor checks the embedded default and says what is missing', () => {
    const r = cli(['doctor', '--port', '0'], tmp());
    expect(r.stdout).toContain('✓ config: embedded default');
    expect(r.stdout).toMatch(/✓ storage: sqlite/);
    expect(r.stdout).toMatch(/✓ panel \(default\): .* is reachable and accepts the key/);
    expect(r.stdout).toMatch(/✓ panel \(default\) capabilities: orders\.get, /);
    expect(r.stdout).toContain('✓ channel webchat');
    expect(r.status).toBe(0);
  });

  it('reports a bad config file with path, expected and found, and no stack trace', () => {
    const cwd = tmp();
    writeFileSync(path.join(cwd, 'smmbot.config.json'), JSON.stringify({ http: { port: 'eighty' } }));
    const r = cli(['doctor'], cwd);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/smmbot\.config\.json/);
    expect(r.stdout + r.stderr).toMatch(/http\.port: expected a port number; found "eighty"/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown command with usage', () => {
    const r = cli(['fly'], tmp());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "fly"');
  });

  it('the minimal example runs', () => {
    const r = spawnSync('node', [EXAMPLE], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('you> help');
    expect(r.stdout).toContain('Here is what I can do:');
  });
});

describe('smmbot doctor with a configured panel', () => {
  it('reports a refused key, and a reachable panel with its capabilities', async () => {
    const { createPanelSim } = await import('@smmbot/panel-sim');
    const sim = createPanelSim();
    await sim.start();
    try {
      const cwd = tmp();
      const config = (adminKey: string) =>
        JSON.stringify({
          simulator: { enabled: false },
          tenants: [
            { id: 'default', panel: { use: '@smmbot/panel-perfectpanel', options: { url: sim.url, adminKey } } },
          ],
        });
      writeFileSync(path.join(cwd, 'smmbot.config.json'), config('wrong-key-0000000000000000000000000000000000'));
      // The sim runs in this process: the CLI must run asynchronously so the sim can answer it.
      const bad = await cliAsync(['doctor', '--port', '0'], cwd);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/✗ panel \(default\): .*refused the API key/);
      expect(bad.stdout + bad.stderr).not.toContain('wrong-key-0000');
      writeFileSync(path.join(cwd, 'smmbot.config.json'), config(sim.adminKey));
      const good = await cliAsync(['doctor', '--port', '0'], cwd);
      expect(good.stdout).toMatch(/✓ panel \(default\): .* is reachable/);
      expect(good.stdout).toMatch(/✓ panel \(default\) orders\.get: ok/);
      expect(good.status).toBe(0);
    } finally {
      await sim.stop();
    }
  });
});

describe('smmbot providers and services (embedded default: the simulator is the provider)', () => {
  it('syncs the catalog and searches it by name and by service id', () => {
    const cwd = tmp();
    expect(cli(['providers'], cwd).stdout).toMatch(/Simulator provider\s+0 services .*never synced/);
    const sync = cli(['providers', 'sync'], cwd);
    expect(sync.status).toBe(0);
    expect(sync.stdout).toMatch(/Simulator provider: baseline \+\d+ added, 0 changed, 0 removed/);
    const again = cli(['providers', 'sync'], cwd);
    expect(again.stdout).toMatch(/\+0 added, 0 changed, 0 removed, \d+ unchanged/);
    const found = cli(['services', 'followers', '--limit', '3'], cwd);
    expect(found.status).toBe(0);
    expect(found.stdout).toMatch(/3 of \d+ service\(s\) matching "followers"/);
    expect(found.stdout.split('\n').filter((l) => /followers/i.test(l) && !l.includes('matching'))).toHaveLength(3);
    const id = /^\s*(\d+)\s/.exec(found.stdout)![1]!;
    expect(cli(['services', id], cwd).stdout).toMatch(new RegExp(`^\\s*${id}\\s`, 'm'));
  });
});

describe('smmbot rules', () => {
  it('prints the parsed service rules as JSON, and unknown rather than a guess', () => {
    const r = cli(['rules', 'Instagram Followers [Refill: 30D] [Start Time: 0-1 Hour]'], tmp());
    expect(r.status).toBe(0);
    const rules = JSON.parse(r.stdout);
    expect(rules.refill).toEqual({ kind: 'days', days: 30 });
    expect(rules.startTime).toEqual({ minMinutes: 0, maxMinutes: 60 });
    expect(JSON.parse(cli(['rules', 'TikTok Views 30Days Premium'], tmp()).stdout).refill).toEqual({ kind: 'unknown' });
  });
});

describe('smmbot connect whatsapp', () => {
  it('runs the Baileys login for the tenant and reports each status until it gives up', async () => {
    const cwd = tmp();
    writeFileSync(
      path.join(cwd, 'smmbot.config.json'),
      JSON.stringify({
        simulator: { enabled: false },
        // Nothing listens on port 1: the login cannot reach WhatsApp, so the reconnect policy runs.
        plugins: [
          { use: '@smmbot/channel-baileys', options: { waWebSocketUrl: 'ws://127.0.0.1:1/ws/chat', printQr: false } },
        ],
      }),
    );
    const r = await cliAsync(['connect', 'whatsapp', '--timeout', '3'], cwd);
    expect(r.stdout).toContain('WhatsApp (default): connecting');
    expect(r.stdout).toMatch(/WhatsApp \(default\): reconnecting \(closed with \d+\)/);
    expect(r.stdout).toMatch(/Not connected: .*timed out after 3 s/);
    expect(r.status).toBe(1);
    expect(cli(['connect', 'telegram'], cwd).status).toBe(2);
  }, 30_000);
});
