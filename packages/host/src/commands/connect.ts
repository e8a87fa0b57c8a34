import { BaileysChannel, baileys, type LoginInfo } from '@smmbot/channel-baileys';
import { createLogger } from '@smmbot/core';
import { composeEngine } from '../compose.js';
import type { CliContext } from './context.js';

const DONE = new Set(['open', 'logged_out', 'banned', 'failed']);

/**
 * `smmbot connect whatsapp [--tenant t] [--pairing <phone>] [--timeout s]`: logs a WhatsApp number in
 * with Baileys for a tenant, printing the QR (or pairing code) and each status change, and stops
 * once the number is connected (the auth state stays encrypted in the store for `smmbot start`).
 */
export async function connectCommand(
  ctx: CliContext,
  platform: string | undefined,
  options: { pairing?: string; timeoutS: number },
): Promise<number> {
  if (platform !== 'whatsapp') {
    ctx.error('usage: smmbot connect whatsapp [--tenant <id>] [--pairing <phone>] [--timeout <seconds>]');
    return 2;
  }
  const { config } = await ctx.loadConfig();
  const tenant = ctx.tenant ?? config.tenants[0]?.id ?? 'default';
  const configured = config.plugins.some((p) => p.use === '@smmbot/channel-baileys' && (p.tenant ?? tenant) === tenant);
  const extra = configured ? [] : baileys({ tenant, printQr: true, pairingPhone: options.pairing });
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => process.stderr.write(line) } });
  const engine = await composeEngine(config, { cwd: ctx.cwd, logger, syncOnBoot: false, extra });
  await engine.start();
  const channel = engine.channels
    .all()
    .find((c): c is BaileysChannel => c instanceof BaileysChannel && c.tenantId === tenant);
  if (!channel) {
    ctx.error(`no WhatsApp (Baileys) channel for tenant "${tenant}"`);
    await engine.stop();
    return 1;
  }
  const final = await new Promise<LoginInfo>((resolve) => {
    const timer = setTimeout(
      () => resolve({ ...channel.login, reason: `timed out after ${options.timeoutS} s` }),
      options.timeoutS * 1000,
    );
    let last = '';
    const report = (info: LoginInfo) => {
      const line = `WhatsApp (${tenant}): ${info.status}${info.pairingCode ? ` — pairing code ${info.pairingCode}` : ''}${info.reason ? ` (${info.reason})` : ''}`;
      if (line !== last) ctx.print(line);
      last = line;
      if (DONE.has(info.status)) {
        clearTimeout(timer);
        resolve(info);
      }
    };
    channel.onStatus(report);
    report(channel.login);
  });
  await engine.stop();
  if (final.status === 'open') {
    ctx.print('Connected. The login is stored (encrypted); run `smmbot start` to serve this number.');
    return 0;
  }
  ctx.print(`Not connected: ${final.status}${final.reason ? ` — ${final.reason}` : ''}`);
  return 1;
}
