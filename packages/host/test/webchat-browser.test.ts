import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostConfigSchema, silentLogger } from '@smmbot/core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../src/index.js';

// The chat page in a real headless Chromium (Debian's `chromium`; .ci/run installs it).
// Outside CI the test is skipped, with a notice, when no browser is installed; under CI=true it fails.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI=true but no Chromium at ${CHROMIUM}: .ci/run must install it`);
if (!available)
  console.warn(
    `[skip] webchat browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );

describe.runIf(available)('web chat page in Chromium', () => {
  let host: Host;
  let browser: Browser;

  beforeAll(async () => {
    const config = hostConfigSchema.parse({ storage: { driver: 'memory' }, http: { port: 0 } });
    host = new Host({ config, cwd: mkdtempSync(path.join(os.tmpdir(), 'smmbot-web-')), logger: silentLogger() });
    await host.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('sends a message and shows the bot reply; typed HTML stays text', async () => {
    const page = await browser.newPage();
    await page.goto(`${host.url}/webchat`);
    await page.fill('#t', 'help');
    await page.press('#t', 'Enter');
    await page.locator('.msg.bot', { hasText: 'Here is what I can do' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg.user').first().textContent()).toBe('help');

    await page.fill('#t', '<img src=x onerror="document.title=\'pwned\'">');
    await page.press('#t', 'Enter');
    await page.locator('.msg.bot').nth(1).waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg.user').nth(1).textContent()).toContain('<img src=x');
    expect(await page.locator('#log img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    await page.close();
  });
});
