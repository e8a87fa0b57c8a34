import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createLogger, type Engine, PanelError, Tokens } from '@smmbot/core';
import { probePanel } from '@smmbot/panel-perfectpanel';
import { composeEngine } from '../compose.js';
import type { CliContext } from './context.js';

type Status = 'ok' | 'warn' | 'fail';
const MARK: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗' };

/** `smmbot doctor`: checks config, storage, panel, channels and the port, and says what is wrong. */
export async function doctorCommand(ctx: CliContext): Promise<number> {
  let failed = false;
  const report = (status: Status, what: string, detail: string) => {
    if (status === 'fail') failed = true;
    ctx.print(`${MARK[status]} ${what}: ${detail}`);
  };

  let loaded: Awaited<ReturnType<CliContext['loadConfig']>>;
  try {
    loaded = await ctx.loadConfig();
    report(
      'ok',
      'config',
      `${loaded.source} (${loaded.config.tenants.length} tenant(s), ${loaded.config.plugins.length} plugin(s))`,
    );
  } catch (err) {
    report('fail', 'config', (err as Error).message);
    return 1;
  }
  const { config } = loaded;

  let engine: Engine | undefined;
  try {
    engine = await composeEngine(config, { cwd: ctx.cwd, logger: createLogger({ level: 'silent' }) });
    await engine.start();
  } catch (err) {
    report('fail', 'start-up', (err as Error).message);
    return 1;
  }

  try {
    const tenant = config.tenants[0]?.id ?? 'default';
    const kv = engine.container.resolve(Tokens.Kv);
    const probe = `doctor:${randomUUID()}`;
    await kv.set(tenant, probe, 'ok', 60_000);
    const back = await kv.get(tenant, probe);
    await kv.delete(tenant, probe);
    await engine.container.resolve(Tokens.Store).collection({ name: 'doctor_probe' }).count(tenant);
    report(
      back === 'ok' ? 'ok' : 'fail',
      'storage',
      `${config.storage.driver}${config.storage.driver === 'sqlite' ? ` (${config.storage.path ?? `${config.dataDir}/smmbot.db`})` : ''} reads and writes`,
    );
  } catch (err) {
    report('fail', 'storage', (err as Error).message);
  }

  for (const tenant of config.tenants) await checkPanel(engine, tenant.id, report);

  const channels = engine.channels.all();
  if (channels.length === 0) report('fail', 'channels', 'none configured: nobody can reach the bot');
  for (const ch of channels)
    report('ok', `channel ${ch.name}`, `tenant ${ch.tenantId}, formatting ${ch.capabilities.formatting}`);

  const free = await portIsFree(config.http.host, config.http.port);
  report(
    free ? 'ok' : 'warn',
    'http',
    free
      ? `${config.http.host}:${config.http.port} is free`
      : `port ${config.http.port} is in use (is smmbot already running?)`,
  );

  await engine.stop();
  ctx.print(failed ? '\nSome checks failed; see ✗ above.' : '\nAll checks passed.');
  return failed ? 1 : 0;
}

/** Reachability, key validity and capabilities of a tenant's panel (and the adapter's own probe). */
async function checkPanel(engine: Engine, tenant: string, report: (s: Status, what: string, detail: string) => void) {
  const what = `panel (${tenant})`;
  const c = engine.forTenant(tenant);
  if (!c.isRegistered(Tokens.Panel, true)) {
    report('warn', what, 'none configured: order commands answer that the bot is not connected to a panel yet');
    return;
  }
  const panel = c.resolve(Tokens.Panel);
  try {
    if (panel.ping) await panel.ping();
    else await panel.getOrders(['1']);
    report('ok', what, `${panel.name} is reachable and accepts the key`);
  } catch (err) {
    const kind = err instanceof PanelError ? err.kind : undefined;
    const why =
      kind === 'unauthorized'
        ? 'the panel refused the API key'
        : kind
          ? `${kind}: ${(err as Error).message}`
          : (err as Error).message;
    report('fail', what, `${panel.name}: ${why}`);
    return;
  }
  report('ok', `${what} capabilities`, [...panel.capabilities].join(', '));
  const probe = await probePanel(panel).catch(() => undefined);
  for (const p of probe ?? []) {
    report(
      p.status === 'ok' ? 'ok' : 'warn',
      `${what} ${p.capability}`,
      `${p.status}${p.detail ? ` — ${p.detail}` : ''}`,
    );
  }
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}
