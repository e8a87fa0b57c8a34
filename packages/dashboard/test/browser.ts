import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

// Debian's `chromium` (.ci/run installs it). Outside CI the browser tests are skipped, with a notice,
// when no browser is installed; under CI=true a missing browser is a failure.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI=true but no Chromium at ${CHROMIUM}: .ci/run must install it`);
if (!available) {
  console.warn(
    `[skip] dashboard browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

/** Screenshots land where CI keeps its artifacts: <repo>/test-results/dashboard/. */
export const SHOTS = fileURLToPath(new URL('../../../test-results/dashboard/', import.meta.url));

export function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
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
}

export const shots: string[] = [];

/** A full-page screenshot named `<name>.png`, after the page's own loading text is gone. */
export async function shot(page: Page, name: string): Promise<void> {
  await settle(page);
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

/** Waits until nothing on the page says "Loading…" and no form is busy. */
export async function settle(page: Page): Promise<void> {
  // Functions, not strings: the app's CSP forbids eval, and page code typed without the DOM lib.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: Doc }).document;
      return !doc.body.textContent?.includes('Loading…') && !doc.querySelector('[aria-busy="true"]');
    },
    undefined,
    { timeout: 10_000 },
  );
}

/** What these helpers read of the page's document (the tests are typed without the DOM lib). */
interface Doc {
  body: { textContent: string | null };
  querySelector(selector: string): unknown;
  activeElement: { tagName: string } | null;
}

/** The tag of the focused element. */
export function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as unknown as { document: Doc }).document.activeElement?.tagName);
}

/** Opens a page from the sidebar (by its link text) and waits for its heading. */
export async function open(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await settle(page);
}

/** The text of the newest toast, once one with `text` shows. */
export async function toast(page: Page, text: string | RegExp): Promise<void> {
  try {
    await page.locator('#toasts .toast', { hasText: text }).first().waitFor({ timeout: 10_000 });
  } catch (err) {
    // Say what the page said instead: a form's error or another toast.
    const said = await page.locator('[role=alert], #toasts .toast').allTextContents();
    throw new Error(`no toast "${text}"; the page says: ${JSON.stringify(said.filter(Boolean))}`, { cause: err });
  }
}

/** GET an API path from inside the page, with its session cookies, as the app does. */
export function call<T>(page: Page, path: string): Promise<T> {
  return page.evaluate((p) => fetch(p).then((r) => r.json()), path) as Promise<T>;
}

/** The sidebar's page titles, in order. */
export async function sidebar(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
}

/** Waits for the value the test polls for (a code in the host's log, say). */
export async function eventually<T>(fn: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
