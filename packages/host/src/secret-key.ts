import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SecretBox } from '@smmbot/core';

/**
 * The key that encrypts secrets at rest: from the config (or SMMBOT_SECRET_KEY), else a key file
 * in the data folder, created on first start with owner-only permissions.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): { key: string; source: string } {
  if (configured) return { key: configured, source: 'config' };
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: file };
  mkdirSync(dataDir, { recursive: true });
  const key = SecretBox.generateKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, source: `${file} (created)` };
}
