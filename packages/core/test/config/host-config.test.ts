import { describe, expect, it } from 'vitest';
import {
  defaultHostConfig,
  defineConfig,
  hostConfigSchema,
  parseHostConfig,
  type HostConfigInput,
} from '../../src/config/host-config.js';
import { ConfigError } from '../../src/errors.js';
import * as core from '../../src/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('hostConfigSchema defaults', () => {
  it('treats {} as the embedded default', () => {
    const config = hostConfigSchema.parse({});
    expect(config).toEqual({
      logLevel: 'info',
      dataDir: './.smmbot',
      http: { host: '127.0.0.1', port: 3000 },
      storage: { driver: 'sqlite', path: './.smmbot/smmbot.db' },
      concurrency: 64,
      tenants: [{ id: 'default', name: 'Default workspace', botConfig: {} }],
      plugins: [],
      role: 'all',
      shutdownTimeoutMs: 10_000,
      simulator: { port: 0, seed: 1 },
    });
    expect(defaultHostConfig()).toEqual(config);
  });

  it('fills nested defaults of a partial object', () => {
    const config = hostConfigSchema.parse({ http: { port: 8080 }, dataDir: 'var/data/' });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.storage).toEqual({ driver: 'sqlite', path: 'var/data/smmbot.db' });
  });

  it('keeps an explicit sqlite path and supports the memory driver', () => {
    expect(hostConfigSchema.parse({ storage: { driver: 'sqlite', path: '/db/x.db' } }).storage).toEqual({
      driver: 'sqlite',
      path: '/db/x.db',
    });
    expect(hostConfigSchema.parse({ storage: { driver: 'memory' } }).storage).toEqual({ driver: 'memory' });
  });

  it('accepts numeric strings for numbers (from env interpolation)', () => {
    expect(hostConfigSchema.parse({ http: { port: '8080' } }).http.port).toBe(8080);
    expect(hostConfigSchema.safeParse({ http: { port: 'eighty' } }).success).toBe(false);
  });

  it('validates tenant bot config overrides without filling defaults', () => {
    const config = hostConfigSchema.parse({
      tenants: [
        { id: 'acme', name: 'Acme', botConfig: { chat_mode: 'ai', scheduler_timezone: 'utc+6' } },
        { id: 'beta', panel: { use: '@smmbot/panel-perfectpanel' } },
      ],
      plugins: [{ use: './plugins/x.js', tenant: 'acme' }],
    });
    expect(config.tenants[0]?.botConfig).toEqual({ chat_mode: 'ai', scheduler_timezone: 'UTC+6' });
    expect(config.tenants[1]).toEqual({
      id: 'beta',
      name: 'beta',
      botConfig: {},
      panel: { use: '@smmbot/panel-perfectpanel', options: {} },
    });
    expect(config.plugins).toEqual([{ use: './plugins/x.js', tenant: 'acme', options: {} }]);
  });
});

describe('parseHostConfig errors', () => {
  it('lists each issue as path: expected X; found Y, under the source name', () => {
    const err = configError(() =>
      parseHostConfig(
        { http: { port: 70_000 }, logLevel: 'loud', concurrency: 'many', tenants: [{ id: 'Bad Id' }] },
        { source: 'smmbot.config.yaml' },
      ),
    );
    expect(err.message.startsWith('smmbot.config.yaml: invalid configuration')).toBe(true);
    expect(err.issues).toContain('http.port: expected a port number of at most 65535; found 70000');
    expect(err.issues).toContain(
      'logLevel: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent"; found "loud"',
    );
    expect(err.issues).toContain('concurrency: expected a number of turns; found "many"');
    expect(err.issues.some((l) => l.startsWith('tenants[0].id: expected a slug') && l.endsWith('found "Bad Id"'))).toBe(
      true,
    );
    for (const line of err.issues) expect(err.message).toContain(line);
  });

  it('rejects duplicate tenant ids with a clear message', () => {
    const err = configError(() => parseHostConfig({ tenants: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }));
    expect(err.issues).toEqual([
      'tenants[2].id: duplicate tenant id, already used by tenants[0]; tenant ids must be unique; found "a"',
    ]);
  });

  it('rejects an empty tenant list and plugins for unknown tenants', () => {
    expect(configError(() => parseHostConfig({ tenants: [] })).issues).toEqual([
      'tenants: expected at least one tenant; found []',
    ]);
    const err = configError(() => parseHostConfig({ plugins: [{ use: 'x', tenant: 'nope' }] }));
    expect(err.issues).toEqual(['plugins[0].tenant: expected one of the tenant ids (default); found "nope"']);
  });

  it('names unknown keys with a suggestion, at any depth', () => {
    const err = configError(() =>
      parseHostConfig({ concurency: 4, tenants: [{ id: 'a', botConfig: { chat_mod: 'ai' } }] }),
    );
    expect(err.issues).toContain('(root): unknown key "concurency"; did you mean "concurrency"?');
    expect(err.issues).toContain('tenants[0].botConfig: unknown key "chat_mod"; did you mean "chat_mode"?');
  });

  it('reports bot config problems inside tenants with the bot config message', () => {
    const err = configError(() =>
      parseHostConfig({
        tenants: [{ id: 'a', botConfig: { scheduler_timezone: 'Asia/Dhaka', ticket_poll_interval: 5 } }],
      }),
    );
    expect(err.issues).toContain('tenants[0].botConfig.ticket_poll_interval: expected at least 10 seconds; found 5');
    expect(err.issues.find((l) => l.startsWith('tenants[0].botConfig.scheduler_timezone:'))).toContain('UTC offset');
  });

  it('shows the bad storage driver, not the whole object', () => {
    const err = configError(() => parseHostConfig({ storage: { driver: 'mysql', url: 'x' } }));
    expect(err.issues).toEqual([
      'storage.driver: expected driver to be one of "sqlite", "memory", "postgres"; found "mysql"',
    ]);
  });

  it('needs redis and PostgreSQL for the web and worker roles, and never prints their URLs', () => {
    const err = configError(() => parseHostConfig({ role: 'worker' }));
    expect(err.issues).toEqual([
      'redis: role "worker" shares work through Redis: set redis.url (or run with role all); found nothing',
      'storage.driver: role "worker" needs a store every process shares: storage.driver postgres; found "sqlite"',
    ]);
    const ok = parseHostConfig({
      role: 'web',
      storage: { driver: 'postgres', url: 'postgresql://u:pw@db/x' },
      redis: { url: 'redis://:pw@cache:6379' },
    });
    expect(ok.role).toBe('web');
    expect(ok.redis).toEqual({ url: 'redis://:pw@cache:6379', prefix: 'smmbot', concurrency: 32 });
    const bad = configError(() => parseHostConfig({ storage: { driver: 'postgres', url: 'mysql://u:secret@x' } }));
    expect(bad.issues).toEqual(['storage.url: expected a postgresql:// URL; found "mysql://u:[redacted]@x"']);
  });

  it('never prints secret values', () => {
    const err = configError(() => parseHostConfig({ secretKey: 'short-secret' }));
    expect(err.issues).toEqual([
      'secretKey: expected at least 32 characters (generate one with: openssl rand -base64 32); found [redacted]',
    ]);
    expect(err.message).not.toContain('short-secret');
  });

  it('appends where a value came from', () => {
    const err = configError(() =>
      parseHostConfig({ http: { port: 'x' } }, { source: 'embedded default', origins: { 'http.port': 'env PORT' } }),
    );
    expect(err.issues).toEqual(['http.port: expected a port number; found "x" (from env PORT)']);
  });
});

describe('defineConfig', () => {
  it('is the identity and is exported from the package entry', () => {
    const input: HostConfigInput = { http: { port: 1234 }, tenants: [{ id: 'acme', name: 'Acme' }] };
    expect(defineConfig(input)).toBe(input);
    expect(core.defineConfig).toBe(defineConfig);
    expect(core.hostConfigSchema).toBe(hostConfigSchema);
  });
});
