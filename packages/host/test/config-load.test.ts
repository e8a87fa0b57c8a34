// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references into config files on purpose.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHostConfig } from '../src/config/index.js';
import { jsonErrorOffset } from '../src/config/json-position.js';

const dirs: string[] = [];
function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smmbot-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function loadError(options: Parameters<typeof loadHostConfig>[0]): Promise<ConfigError> {
  const err = await loadHostConfig(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const TS_CONFIG = `
type Mode = 'manual' | 'ai';
const mode: Mode = 'ai';
interface Port { port: number }
const http: Port = { port: 4100 };
export default {
  http,
  storage: { driver: 'memory' as const },
  tenants: [{ id: 'acme', name: 'Acme', botConfig: { chat_mode: mode, cooldown_seconds: 120 } }],
};
`;

describe('loadHostConfig: finding and reading the file', () => {
  it('uses the embedded default when there is no file, with paths resolved against cwd', async () => {
    const cwd = tempDir();
    const { config, source } = await loadHostConfig({ cwd, env: {} });
    expect(source).toBe('embedded default');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.dataDir).toBe(path.join(cwd, '.smmbot'));
    expect(config.storage).toEqual({ driver: 'sqlite', path: path.join(cwd, '.smmbot', 'smmbot.db') });
    expect(config.tenants).toEqual([{ id: 'default', name: 'Default workspace', botConfig: {} }]);
  });

  it('loads a TypeScript config through jiti', async () => {
    const cwd = tempDir({ 'smmbot.config.ts': TS_CONFIG });
    const { config, source } = await loadHostConfig({ cwd, env: {} });
    expect(source).toBe(path.join(cwd, 'smmbot.config.ts'));
    expect(config.http.port).toBe(4100);
    expect(config.storage).toEqual({ driver: 'memory' });
    expect(config.tenants[0]?.botConfig).toEqual({ chat_mode: 'ai', cooldown_seconds: 120 });
  });

  it('loads JSON and YAML, preferring the earlier name in the search order', async () => {
    const json = tempDir({ 'smmbot.config.json': JSON.stringify({ logLevel: 'debug', dataDir: 'state' }) });
    const loaded = await loadHostConfig({ cwd: json, env: {} });
    expect(loaded.config.logLevel).toBe('debug');
    expect(loaded.config.storage).toEqual({ driver: 'sqlite', path: path.join(json, 'state', 'smmbot.db') });

    const both = tempDir({
      'smmbot.config.yaml': 'logLevel: warn\nhttp:\n  port: 5000\n',
      'smmbot.config.json': '{ "logLevel": "error" }',
    });
    const first = await loadHostConfig({ cwd: both, env: {} });
    expect(first.source).toBe(path.join(both, 'smmbot.config.json'));
    expect(first.config.logLevel).toBe('error');
  });

  it('loads an explicitly given YAML file relative to cwd and resolves paths against cwd', async () => {
    const cwd = tempDir({
      'conf/bot.yml': 'dataDir: ./data\nstorage:\n  driver: sqlite\n  path: db/main.db\ntenants:\n  - id: acme\n',
    });
    const { config, source } = await loadHostConfig({ cwd, file: 'conf/bot.yml', env: {} });
    expect(source).toBe(path.join(cwd, 'conf', 'bot.yml'));
    expect(config.dataDir).toBe(path.join(cwd, 'data'));
    expect(config.storage).toEqual({ driver: 'sqlite', path: path.join(cwd, 'db', 'main.db') });
    expect(config.tenants).toEqual([{ id: 'acme', name: 'acme', botConfig: {} }]);
  });

  it('treats an empty YAML file as {}', async () => {
    const cwd = tempDir({ 'smmbot.config.yaml': '# nothing yet\n' });
    expect((await loadHostConfig({ cwd, env: {} })).config.http.port).toBe(3000);
  });

  it('fails when a given file does not exist', async () => {
    const cwd = tempDir();
    const err = await loadError({ cwd, file: 'missing.json', env: {} });
    expect(err.message).toContain('not found');
    expect(err.message).toContain(path.join(cwd, 'missing.json'));
  });

  it('reports JSON syntax errors with line, column and the offending line', async () => {
    const cwd = tempDir({ 'smmbot.config.json': '{\n  "http": {\n    "port": ,\n  }\n}\n' });
    const err = await loadError({ cwd, env: {} });
    expect(err.message).toMatch(/^smmbot\.config\.json: invalid JSON at line 3, column 13: /);
    expect(err.message).toContain('3 |     "port": ,');
    expect(err.details).toMatchObject({ line: 3, column: 13 });
  });

  it('reports YAML syntax errors with their position', async () => {
    const cwd = tempDir({ 'smmbot.config.yaml': 'http:\n  port: [1, 2\nlogLevel: info\n' });
    const err = await loadError({ cwd, env: {} });
    expect(err.message).toMatch(/^smmbot\.config\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('reports a TypeScript module that fails to load', async () => {
    const cwd = tempDir({ 'smmbot.config.ts': 'throw new Error("boom from config");\nexport default {};\n' });
    const err = await loadError({ cwd, env: {} });
    expect(err.message).toMatch(/^smmbot\.config\.ts: could not load the config module: .*boom from config/);
  });

  it('rejects a config that is not an object', async () => {
    const cwd = tempDir({ 'smmbot.config.json': '[1, 2]' });
    expect((await loadError({ cwd, env: {} })).message).toBe(
      'smmbot.config.json: expected the config to be an object; found a list',
    );
  });
});

describe('loadHostConfig: interpolation and environment overrides', () => {
  it('replaces ${VAR} and ${VAR:-fallback} in every string, at any depth', async () => {
    const cwd = tempDir({
      'smmbot.config.yaml': [
        'http:',
        '  host: ${HOST:-0.0.0.0}',
        '  port: ${APP_PORT}',
        'dataDir: ${DATA_ROOT}/smm',
        'tenants:',
        '  - id: acme',
        '    name: "${BRAND} (${REGION:-eu})"',
        '    botConfig:',
        '      ticket_signature: "$${NOT_A_VAR}"',
        '    panel:',
        '      use: perfectpanel',
        '      options: { apiKey: "${PANEL_KEY}", urls: ["https://${PANEL_HOST}/api/v2"] }',
      ].join('\n'),
    });
    const env = {
      APP_PORT: '8081',
      DATA_ROOT: '/srv',
      BRAND: 'Acme',
      REGION: '',
      PANEL_KEY: 'k-1',
      PANEL_HOST: 'p.example',
    };
    const { config } = await loadHostConfig({ cwd, env });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(config.dataDir).toBe(path.resolve('/srv/smm'));
    const tenant = config.tenants[0]!;
    expect(tenant.name).toBe('Acme (eu)');
    expect(tenant.botConfig.ticket_signature).toBe('${NOT_A_VAR}');
    expect(tenant.panel?.options).toEqual({ apiKey: 'k-1', urls: ['https://p.example/api/v2'] });
  });

  it('names every missing variable and where it is used', async () => {
    const cwd = tempDir({
      'smmbot.config.json': JSON.stringify({ secretKey: '${SECRET}', tenants: [{ id: 'a', name: '${NAME}' }] }),
    });
    const err = await loadError({ cwd, env: {} });
    expect(err.message.startsWith('smmbot.config.json: ')).toBe(true);
    expect(err.issues).toEqual([
      'secretKey: environment variable SECRET is not set (use ${SECRET:-fallback} for a default)',
      'tenants[0].name: environment variable NAME is not set (use ${NAME:-fallback} for a default)',
    ]);
  });

  it('does not mutate a TS module export between loads', async () => {
    const cwd = tempDir({ 'smmbot.config.ts': 'export default { http: { host: "${H:-a.example}" } };\n' });
    expect((await loadHostConfig({ cwd, env: { H: 'one.example' } })).config.http.host).toBe('one.example');
    expect((await loadHostConfig({ cwd, env: {} })).config.http.host).toBe('a.example');
  });

  it('applies SMMBOT__ overrides with JSON-parsed values, over the file', async () => {
    const cwd = tempDir({ 'smmbot.config.json': JSON.stringify({ http: { port: 3001 }, tenants: [{ id: 'acme' }] }) });
    const { config } = await loadHostConfig({
      cwd,
      env: {
        SMMBOT__http__port: '8080',
        SMMBOT__logLevel: 'debug',
        SMMBOT__tenants__0__botConfig__chat_mode: 'ai',
        SMMBOT__tenants__0__botConfig__marketing_enabled: 'true',
        SMMBOT__plugins: '[{"use":"@acme/plugin","options":{"x":1}}]',
        SMMBOT__storage: '{"driver":"memory"}',
      },
    });
    expect(config.http.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.tenants[0]?.botConfig).toEqual({ chat_mode: 'ai', marketing_enabled: true });
    expect(config.plugins).toEqual([{ use: '@acme/plugin', options: { x: 1 } }]);
    expect(config.storage).toEqual({ driver: 'memory' });
  });

  it('overrides the default tenant when the file has no tenants', async () => {
    const { config } = await loadHostConfig({
      cwd: tempDir(),
      env: { SMMBOT__tenants__0__botConfig__chat_mode: 'custom' },
    });
    expect(config.tenants).toEqual([{ id: 'default', name: 'Default workspace', botConfig: { chat_mode: 'custom' } }]);
  });

  it('supports the PORT and SMMBOT_SECRET_KEY shortcuts; SMMBOT__ wins over PORT', async () => {
    const key = 'k'.repeat(40);
    const short = await loadHostConfig({ cwd: tempDir(), env: { PORT: '9090', SMMBOT_SECRET_KEY: key } });
    expect(short.config.http.port).toBe(9090);
    expect(short.config.secretKey).toBe(key);
    const both = await loadHostConfig({ cwd: tempDir(), env: { PORT: '9090', SMMBOT__http__port: '7070' } });
    expect(both.config.http.port).toBe(7070);
  });

  it('rejects an override that walks into a non-object', async () => {
    const cwd = tempDir({ 'smmbot.config.json': '{ "logLevel": "info" }' });
    const err = await loadError({ cwd, env: { SMMBOT__logLevel__x: '1' } });
    expect(err.message).toContain('SMMBOT__logLevel__x');
    expect(err.message).toContain('expected an object or a list');
  });
});

describe('loadHostConfig: validation errors', () => {
  it('starts with the file name and lists path, expectation and found value per issue', async () => {
    const cwd = tempDir({
      'smmbot.config.yaml': [
        'http:',
        '  port: 99999',
        'storage:',
        '  driver: mysql',
        'tenants:',
        '  - id: acme',
        '    botConfig:',
        '      scheduler_timezone: Asia/Dhaka',
        '      chat_mode: robot',
        '  - id: acme',
      ].join('\n'),
    });
    const err = await loadError({ cwd, env: {} });
    expect(err.message.startsWith('smmbot.config.yaml: invalid configuration')).toBe(true);
    expect(err.issues).toEqual(
      expect.arrayContaining([
        'http.port: expected a port number of at most 65535; found 99999',
        'storage.driver: expected driver to be one of "sqlite", "memory", "postgres"; found "mysql"',
        'tenants[0].botConfig.chat_mode: expected one of manual, ai, custom; found "robot"',
      ]),
    );
    const tz = err.issues.find((l) => l.startsWith('tenants[0].botConfig.scheduler_timezone: '));
    expect(tz).toContain('use a UTC offset');
    expect(tz).toContain('found "Asia/Dhaka"');
    for (const line of err.issues) expect(err.message).toContain(line);
  });

  it('says which environment variable set a bad value', async () => {
    const err = await loadError({ cwd: tempDir(), env: { SMMBOT__http__port: '"eighty"', SMMBOT__concurrency: '0' } });
    expect(err.message.startsWith('embedded default: invalid configuration')).toBe(true);
    expect(err.issues).toEqual([
      'http.port: expected a port number; found "eighty" (from env SMMBOT__http__port)',
      'concurrency: expected a number of turns of at least 1; found 0 (from env SMMBOT__concurrency)',
    ]);
  });

  it('does not print a too-short secret key', async () => {
    const err = await loadError({ cwd: tempDir(), env: { SMMBOT_SECRET_KEY: 'hunter2' } });
    expect(err.issues[0]).toMatch(/^secretKey: expected at least 32 characters/);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": 1}', -1],
    ['[1, -2.5e3, "x\\u00e9", true, null, {}]', -1],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[01]', 2],
    ['{"a": "x', 8],
    ['{} x', 3],
  ])('%j → %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
