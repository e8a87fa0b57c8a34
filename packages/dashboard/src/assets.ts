import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootData } from './pages.js';

/** The page files ship as they are (plain ES modules and CSS): `public/` beside `src/` and `dist/`. */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Same-origin only: scripts, styles and requests from this server, no inline script (the boot data is a
 * JSON block, which is not executed), images from here or data: URLs, never framed.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export interface Asset {
  type: string;
  body: string;
}

/** Every file under `public/` by its URL path relative to the app (`js/main.js`), read once at start. */
export function loadAssets(dir = PUBLIC_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else {
        const type = TYPES[path.extname(entry.name)];
        if (type) assets.set(rel, { type, body: readFileSync(path.join(dir, rel), 'utf8') });
      }
    }
  };
  walk('');
  return assets;
}

/** JSON that is safe inside a `<script>` element: no `</script>`, no HTML comment openers. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The app's one HTML document, with the base path and the boot data (core's permission table and the
 * page list) filled in: the sidebar and the server decide from the same table.
 */
export function renderIndex(template: string, basePath: string): string {
  const boot = `<script id="boot" type="application/json">${scriptSafeJson(bootData(basePath))}</script>`;
  return template.replace('<!--boot-->', boot).replaceAll('%BASE%', `${basePath}/`);
}
