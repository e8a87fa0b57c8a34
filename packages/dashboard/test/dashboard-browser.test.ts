import { PERMISSIONS, type Role, Tokens } from '@smmbot/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_KEY, DEFAULT_API_KEY } from '@smmbot/panel-sim';
import { PAGES } from '../src/index.js';
import { available, call, eventually, focused, launch, open, settle, shot, sidebar, toast } from './browser.js';
import { connectChannels, replyFromInbox } from './browser-steps.js';
import { MASTER, startHost, type TestHost } from './fixture.js';
import type { WaitingPhone } from './qr-phone.js';

const OWNER = { phone: '+8801711000001', password: 'owner-password-1' };
const STAFF = { phone: '+8801711000002', password: 'staff-password-1' };
const titlesFor = (role: Role) =>
  PAGES.filter((p) => (PERMISSIONS[p.permission] as readonly Role[]).includes(role)).map((p) => p.title);

describe.runIf(available)('the dashboard in Chromium, against the real host', () => {
  let host: TestHost;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    host = await startHost();
    browser = await launch();
    owner = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await owner.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    // The browser first: its open event streams end with it, so the server closes at once.
    await browser?.close();
    await host?.stop();
  }, 30_000);

  it('signs up: phone → the code the host printed → password, and lands in the workspace', async () => {
    await page.goto(`${host.url}/app`);
    await page.waitForURL('**/app/login');
    await shot(page, '01-login');
    await page.getByRole('link', { name: 'Create a workspace' }).click();
    await page.getByLabel('Phone number').fill(OWNER.phone);
    await page.getByLabel('Workspace name').fill('Demo Panel');
    await shot(page, '02-signup-phone');
    const since = host.lines.length;
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`We sent a 6-digit code to ${OWNER.phone}`).waitFor();
    const code = await eventually(() => host.code('signup', since), 'the sign-up code in the host log');
    await page.getByLabel('Code').fill(code);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat password').fill(OWNER.password);
    await shot(page, '03-signup-code');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bot Settings' }).waitFor();
    expect(await sidebar(page)).toEqual(titlesFor('owner'));
    expect(await page.locator('.topbar .who').textContent()).toContain('Demo Panel');
  }, 60_000);

  it('logs out, and logs in again with the keyboard only', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/app/login');
    await page.getByLabel('Phone number').focus();
    await page.keyboard.type(OWNER.phone);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OWNER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Bot Settings' }).waitFor();
    // Focus moves to the new page's heading, for screen readers and keyboard users.
    await expect.poll(() => focused(page)).toBe('H1');
  }, 30_000);

  it('Bot Settings: connects the simulated panel, validates it, and changes the chat mode', async () => {
    await page.getByRole('tab', { name: 'Panel' }).click();
    await page.getByRole('button', { name: 'Validate panel' }).click();
    const verdict = page.locator('.check [data-reachable]');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe('Panel not reachable');
    await page.getByText('no panel is connected to this workspace').waitFor();

    // The simulator's PerfectPanel Admin API, as an owner would enter their panel's address and key.
    await page.getByLabel('Panel url').fill(host.simUrl);
    await page.getByLabel('Panel api key').fill(DEFAULT_ADMIN_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await toast(page, 'Saved panel_url, panel_api_key');
    expect(await page.getByLabel('Panel api key').getAttribute('placeholder')).toBe('set: leave empty to keep it');
    await page.getByRole('button', { name: 'Validate panel' }).click();
    await page.locator('.check [data-reachable="true"]', { hasText: 'Panel reachable' }).waitFor();
    await page.getByText('accepted', { exact: true }).waitFor();
    await shot(page, '04-settings-panel');

    // ArrowRight moves between tabs (the ARIA tab pattern).
    await page.getByRole('tab', { name: 'Panel' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'General' }).getAttribute('aria-selected')).toBe('true');
    await page.getByLabel('Chat mode').selectOption('custom');
    await page.getByRole('button', { name: 'Save' }).click();
    await toast(page, 'Saved chat_mode');
    await shot(page, '05-settings-general');
    const config = await call<{ items: { key: string; value: unknown }[] }>(page, '/api/v1/config');
    expect(config.items.find((i) => i.key === 'chat_mode')?.value).toBe('custom');
    await page.getByRole('tab', { name: 'Marketing' }).click();
    expect(await page.getByLabel('Scheduler timezone').inputValue()).toBe('UTC');
    await shot(page, '06-settings-marketing');
  }, 30_000);

  it('a message in the workspace web chat shows up live in the inbox and in Message Logs, and is resolved there', async () => {
    await open(page, 'Message Logs');
    await page.getByRole('tab', { name: 'Chat inbox' }).click();
    await page.locator('#live-status', { hasText: 'Live' }).waitFor();
    // The top bar's "Web chat" link opens the workspace's own chat page in another tab.
    const [chat] = await Promise.all([
      owner.waitForEvent('page'),
      page.getByRole('link', { name: 'Web chat' }).click(),
    ]);
    await chat.waitForLoadState();
    expect(chat.url()).toMatch(/\/w\/[^/]+\/chat$/);
    await chat.fill('#t', 'refill 1001');
    await chat.press('#t', 'Enter');
    await chat.locator('.msg.bot').first().waitFor({ timeout: 10_000 });
    await page.locator('.bubble.in', { hasText: 'refill 1001' }).waitFor({ timeout: 10_000 });
    await shot(page, '08-logs-inbox-live');
    await page.getByRole('tab', { name: 'Log entries' }).click();
    const row = page.locator('tr', { hasText: 'refill 1001' });
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('combobox').selectOption('resolved');
    await toast(page, /is resolved/);
    const logs = await call<{ items: { raw_text: string; support_status: string }[] }>(page, '/api/v1/logs?limit=5');
    expect(logs.items.find((i) => i.raw_text === 'refill 1001')?.support_status).toBe('resolved');
    await chat.close();
  }, 60_000);

  it('visits every page of the owner and saves a screenshot of each', async () => {
    for (const { id, title } of PAGES) {
      await open(page, title);
      expect(page.url()).toBe(`${host.url}/app/${id}`);
      if (id === 'marketing') {
        await page.getByLabel('Text').fill('*Weekend deal*: 10% off Instagram followers');
        await page.getByRole('button', { name: 'Add message' }).click();
        await page.getByLabel('Text of message 1').waitFor();
      }
      if (id === 'logs') {
        await page.getByRole('tab', { name: 'Chat inbox' }).click();
        await page.locator('#live-status', { hasText: 'Live' }).waitFor();
        await shot(page, '07-logs-inbox');
        await page.getByRole('tab', { name: 'Log entries' }).click();
      }
      if (id === 'channels') {
        // The number's login QR, drawn by the server as SVG, replaced as WhatsApp rotates it.
        const tenant = (await call<{ workspace: { id: string } }>(page, '/api/v1/auth/me')).workspace.id;
        const qr = page.getByRole('img', { name: `WhatsApp login QR code for wa:${tenant}` });
        await qr.waitFor();
        await expect
          .poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0))
          .toBe(true);
        const src = await qr.getAttribute('src');
        expect(src).toContain('/app/qr.svg?data=2%40smmbot-test-qr-');
        await expect.poll(() => qr.getAttribute('src'), { timeout: 8_000 }).not.toBe(src);
        await page.getByRole('cell', { name: /^wa:/ }).first().waitFor();
        // WhatsApp ends the session: the balancer raises a critical alert, which staff resolve here.
        const phone = host.engine.container.resolve(Tokens.Channels).get(`wa:${tenant}`) as WaitingPhone;
        phone.logOut('the phone unlinked this device');
        const alert = page
          .locator('tr', { hasText: 'logged_out' })
          .filter({ has: page.getByRole('button', { name: 'Resolve' }) });
        await alert.waitFor({ timeout: 10_000 });
        await page.locator('[data-status="logged_out"]').waitFor();
        await shot(page, 'page-channels-alert');
        await alert.getByRole('button', { name: 'Resolve' }).click();
        await toast(page, 'Alert resolved');
        // The balancer snapshot redraws itself every 4 s.
        const stamp = page.locator('#balancer [data-at]');
        const first = await stamp.getAttribute('data-at');
        await expect.poll(() => stamp.getAttribute('data-at'), { timeout: 7_000 }).not.toBe(first);
        await page.getByRole('heading', { name: 'Smart alerts' }).waitFor();
      }
      if (id === 'templates') {
        const card = page.locator('details.template').first();
        const key = await card.getAttribute('data-key');
        await card.locator('summary').click();
        await card.getByLabel(`Text of ${key}`).fill('Hello from Demo Panel support!');
        await card.getByRole('button', { name: 'Save' }).click();
        await toast(page, `${key} saved`);
        await page.locator(`details.template[data-key="${key}"] summary .badge`, { hasText: 'custom' }).waitFor();
      }
      if (id === 'providers') {
        // The simulator's classic SMM API as the upstream provider: added, then synced.
        await page.getByLabel('Name', { exact: true }).fill('Simulator provider');
        await page.getByLabel('API URL').fill(`${host.simUrl}/api/v2`);
        await page.getByLabel('API key').fill(DEFAULT_API_KEY);
        await page.getByRole('button', { name: 'Add provider' }).click();
        await toast(page, 'Added Simulator provider');
        await page.getByRole('button', { name: 'Sync' }).click();
        await toast(page, /Synced Simulator provider: \d+ new/);
      }
      if (id === 'services') {
        await page.getByLabel('Name or service id').fill('followers');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByRole('cell', { name: 'Simulator provider' }).first().waitFor();
      }
      await shot(page, `page-${id}`);
    }
    expect(errors).toEqual([]);
  }, 90_000);

  it('staff answer the web chat customer from the inbox: failed, retried, sent; the customer sees it', async () => {
    await replyFromInbox(page, owner);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Channels: a bad Telegram token is refused, a new WhatsApp number shows its QR and is disconnected', async () => {
    await connectChannels(page, host);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Admin & Staff adds a staff number; staff sees only Message Logs and gets 403 from an owner API', async () => {
    await open(page, 'Admin & Staff');
    await page.getByLabel('Phone number').fill(STAFF.phone);
    await page.getByLabel('Role').selectOption('staff');
    let since = host.lines.length;
    await page.getByRole('button', { name: 'Send code' }).click();
    const code = await eventually(() => host.code('staff', since), 'the staff code in the host log');
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Verify and add' }).click();
    await page.getByRole('cell', { name: `+${STAFF.phone.slice(1)}` }).waitFor();
    await shot(page, 'page-staff-added');

    // No WhatsApp channel could send the staff member's password: they set one with Forgot password.
    const staff = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const sp = await staff.newPage();
    await sp.goto(`${host.url}/app/forgot`);
    await sp.getByLabel('Phone number').fill(STAFF.phone);
    since = host.lines.length;
    await sp.getByRole('button', { name: 'Send code' }).click();
    const reset = await eventually(() => host.code('reset', since), 'the reset code in the host log');
    await sp.getByLabel('Code').fill(reset);
    await sp.getByLabel('New password').fill(STAFF.password);
    await shot(sp, 'mobile-forgot-password');
    await sp.getByRole('button', { name: 'Set new password' }).click();
    await sp.waitForURL('**/app/login');
    await sp.getByLabel('Phone number').fill(STAFF.phone);
    await sp.getByLabel('Password').fill(STAFF.password);
    await sp.getByRole('button', { name: 'Log in' }).click();
    await sp.getByRole('heading', { level: 1, name: 'Message Logs' }).waitFor();
    await settle(sp);
    await shot(sp, 'mobile-staff-logs');
    await sp.getByRole('button', { name: 'Menu' }).click();
    expect(await sidebar(sp)).toEqual(['Message Logs']);
    await shot(sp, 'mobile-staff-menu');
    const status = await sp.evaluate((path) => fetch(path).then((r) => r.status), '/api/v1/config');
    expect(status).toBe(403);
    await sp.goto(`${host.url}/app/settings`);
    await sp.getByRole('alert').filter({ hasText: 'Your role (staff) may not open Bot Settings' }).waitFor();
    await staff.close();
  }, 60_000);

  it('Billing shows the plans and the master admin sees the workspace', async () => {
    await open(page, 'Billing');
    await page.getByRole('heading', { name: 'Pro' }).waitFor();
    await page.getByRole('button', { name: 'Switch to this plan' }).click();
    await page.getByText(/Invoice INV/).waitFor();
    await shot(page, 'page-billing-invoice');
    await page.getByLabel('Payment reference').fill('TRX-2026-0042');
    await page.getByRole('button', { name: 'Submit' }).click();
    await toast(page, 'Reference submitted');
    await page.getByRole('cell', { name: 'pending review' }).waitFor();

    const master = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const mp = await master.newPage();
    await mp.goto(`${host.url}/app/master`);
    await mp.getByLabel('Phone number').fill(MASTER.phone);
    await mp.getByLabel('Password').fill(MASTER.password);
    await mp.getByRole('button', { name: 'Log in' }).click();
    await mp.getByRole('cell', { name: /^Demo Panel / }).waitFor();
    await shot(mp, 'master-workspaces');
    for (const tab of ['Plans', 'Payment references', 'Invoices', 'Health']) {
      await mp.getByRole('tab', { name: tab }).click();
      await mp.locator('[role=tabpanel] table, [role=tabpanel] .empty').first().waitFor();
      if (tab === 'Invoices') await mp.getByRole('cell', { name: 'paid', exact: true }).waitFor();
      await shot(mp, `master-${tab.toLowerCase().replace(/ /g, '-')}`);
      if (tab === 'Payment references') {
        // The master approves the reference the owner submitted: the invoice is paid, the plan extended.
        await mp.getByRole('cell', { name: 'TRX-2026-0042' }).waitFor();
        await mp.getByRole('button', { name: 'Approve' }).click();
        await toast(mp, 'Approved');
        await mp.getByText('No payment reference waits for review.').waitFor();
      }
    }
    await master.close();
  }, 60_000);
});
