import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { call, open, settle, shot, toast } from './browser.js';
import type { TestHost } from './fixture.js';

/** What these steps read of the page's objects (the tests are typed without the DOM lib). */
interface Img {
  naturalWidth: number;
}

/** Waits until the image really drew (the server's SVG loaded). */
async function drawn(page: Page, name: string): Promise<void> {
  const img = page.getByRole('img', { name });
  await img.waitFor();
  await expect.poll(() => img.evaluate((el) => (el as unknown as Img).naturalWidth > 0)).toBe(true);
}

/**
 * Staff answer the web chat customer from the inbox: a first try fails (the server's friendly error
 * shows, with Retry), the retry is sent, the customer's page gets the answer, a reload still shows it.
 */
export async function replyFromInbox(page: Page, owner: BrowserContext): Promise<void> {
  await open(page, 'Message Logs');
  await page.getByRole('tab', { name: 'Chat inbox' }).click();
  await page.locator('#live-status', { hasText: 'Live' }).waitFor();
  const [chat] = await Promise.all([owner.waitForEvent('page'), page.getByRole('link', { name: 'Web chat' }).click()]);
  await chat.waitForLoadState();
  await chat.fill('#t', 'hello, is anyone there?');
  await chat.press('#t', 'Enter');
  await page.locator('button.conversation', { hasText: 'hello, is anyone there?' }).click();
  const box = page.getByRole('textbox', { name: /^Reply to / });

  // The first try meets a channel that is down: the message stays, marked, with the server's words.
  const unavailable = {
    error: { code: 'E_CHANNEL_SEND', message: 'The channel is not connected right now. Try again in a moment.' },
  };
  await page.route('**/api/v1/inbox/reply', (route) =>
    route.fulfill({ status: 502, contentType: 'application/json', body: JSON.stringify(unavailable) }),
  );
  const text = 'Hi! Staff here: your refill is on its way.';
  await box.fill(text);
  await box.press('Enter');
  const failed = page.locator('.bubble.staff[data-state="failed"]', { hasText: text });
  await failed.getByText(unavailable.error.message).waitFor();
  expect(await box.inputValue()).toBe('');
  await shot(page, '09-logs-inbox-reply-failed');
  await page.unroute('**/api/v1/inbox/reply');

  await failed.getByRole('button', { name: 'Retry' }).click();
  const sent = page.locator('.bubble.staff[data-state="sent"]', { hasText: text });
  await sent.waitFor();
  await expect.poll(() => page.locator('.bubble.staff', { hasText: text }).count()).toBe(1);
  expect(await sent.locator('.meta').textContent()).toMatch(/staff · (sent|queued)/);
  await shot(page, '10-logs-inbox-reply-sent');

  // The customer's page polls for what the bot (and staff, through it) sent.
  await chat.locator('.msg.bot', { hasText: text }).waitFor({ timeout: 15_000 });
  await shot(chat, 'webchat-staff-reply');
  await chat.close();

  // The inbox keeps it: after a reload it is still there, once.
  await page.reload();
  await page.getByRole('tab', { name: 'Chat inbox' }).click();
  await page.locator('button.conversation', { hasText: text }).click();
  await expect.poll(() => page.locator('.bubble.staff', { hasText: text }).count()).toBe(1);
}

/**
 * The Channels page: the fields follow the kind; a made-up Telegram token is refused with the reason;
 * a new WhatsApp number shows its pairing code and live QR code and is disconnected again (after a
 * confirm); a Cloud API number shows the absolute webhook URL and token to paste.
 */
export async function connectChannels(page: Page, host: TestHost): Promise<void> {
  // The page was "WhatsApp Numbers" at /app/whatsapp: an old bookmark opens Channels.
  await page.goto(`${host.url}/app/whatsapp`);
  await page.waitForURL('**/app/channels');
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
  await settle(page);
  const tenant = (await call<{ workspace: { id: string } }>(page, '/api/v1/auth/me')).workspace.id;
  const form = page.getByRole('form', { name: 'Connect a channel' });
  const kind = form.getByLabel('Kind');

  await kind.selectOption('telegram');
  await form.getByLabel('Bot token').fill('123456789:AAH-made-up-token');
  await form.getByRole('button', { name: 'Connect' }).click();
  await form.getByRole('alert').filter({ hasText: 'Telegram refused the connection' }).waitFor();
  expect(await form.getByRole('alert').textContent()).not.toContain('AAH-made-up-token');
  await shot(page, 'page-channels-telegram-refused');

  await kind.selectOption('whatsapp');
  expect(await form.getByLabel('Bot token').count()).toBe(0);
  await form.getByLabel('Channel name').fill('sales');
  await form.getByLabel('Phone for a pairing code').fill('+880 1711 000009');
  await form.getByRole('button', { name: 'Connect' }).click();
  const name = `${tenant}.sales`;
  await toast(page, `Connected ${name}`);
  // The pairing code the phone asked for, and the QR code as the other way to link.
  await page.locator('[data-login] [data-pairing-code]', { hasText: 'SMMB0T42' }).waitFor();
  await drawn(page, `WhatsApp login QR code for ${name}`);
  const row = page.locator('tr', { hasText: name });
  await row.waitFor();
  await shot(page, 'page-channels-whatsapp-qr');
  expect(host.engine.channels.get(name)?.tenantId).toBe(tenant);

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: `Disconnect ${name}` }).click();
  await toast(page, `Disconnected ${name}`);
  await row.waitFor({ state: 'detached' });
  expect(host.engine.channels.get(name)).toBeUndefined();

  // The webhook kinds: their fields, then what to paste in the vendor's console. The answer is the API's
  // documented shape, played here (the vendors cannot be reached from this machine).
  await kind.selectOption('whatsapp-cloud');
  for (const label of ['Phone number ID', 'Access token', 'App secret', 'Verify token']) {
    await form.getByLabel(label).waitFor();
  }
  await page.route('**/api/v1/channels', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            name: `${tenant}.cloud`,
            kind: 'whatsapp-cloud',
            login_available: false,
            link: null,
            webhook_url: `/webhooks/whatsapp-cloud/${tenant}/cloud`,
            verify_token: 'verify-me-123',
          }),
        })
      : route.fallback(),
  );
  await form.getByLabel('Phone number ID').fill('1234567890');
  await form.getByLabel('Access token').fill('EAAG-made-up');
  await form.getByLabel('App secret').fill('app-secret-made-up');
  await form.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(`${host.url}/webhooks/whatsapp-cloud/${tenant}/cloud`, { exact: true }).waitFor();
  await page.getByText('verify-me-123', { exact: true }).waitFor();
  // The secrets left the form with the answer.
  expect(await form.getByLabel('Access token').inputValue()).toBe('');
  await shot(page, 'page-channels-cloud-webhook');
  await page.unroute('**/api/v1/channels');
}
