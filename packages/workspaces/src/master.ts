import { createHmac } from 'node:crypto';
import { ConfigError } from '@smmbot/core';
import { MIN_PASSWORD, type PasswordHasher } from './passwords.js';
import { normalizePhone } from './phone.js';

/** Master passwords guard every workspace: longer than a user's minimum. */
export const MIN_MASTER_PASSWORD = 12;

/** `${NAME}` as the whole value reads the environment variable (the host also interpolates config strings). */
export function fromEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  const ref = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
  if (!ref) return value;
  const name = ref[1]!;
  const resolved = env[name];
  if (!resolved) throw new ConfigError(`workspaces: master.password names \${${name}}, which is not set`);
  return resolved;
}

/**
 * The installation's master admin, from the options: the password is hashed at boot and only the
 * hash is kept. `fingerprint` goes into master tokens, so changing the credentials ends old sessions.
 */
export class MasterAdmin {
  private hash?: string;
  private version?: string;
  readonly phone?: string;

  constructor(
    private readonly config: { phone: string; password: string } | undefined,
    private readonly hasher: PasswordHasher,
  ) {
    if (!config) return;
    const phone = normalizePhone(config.phone);
    if (!phone) throw new ConfigError('workspaces: master.phone is not a phone number in international form');
    this.phone = phone;
  }

  get configured(): boolean {
    return this.phone !== undefined;
  }

  /** Hashes the configured password (boot). `key` is the master JWT key, for the fingerprint. */
  async init(key: Uint8Array): Promise<void> {
    if (!this.config || !this.phone) return;
    const password = fromEnv(this.config.password);
    const min = Math.max(MIN_MASTER_PASSWORD, MIN_PASSWORD);
    if (password.length < min)
      throw new ConfigError(`workspaces: master.password must have at least ${min} characters`);
    this.hash = await this.hasher.hash(password);
    this.version = createHmac('sha256', key)
      .update(`master\0${this.phone}\0${password}`)
      .digest('base64url')
      .slice(0, 16);
  }

  get fingerprint(): string | undefined {
    return this.version;
  }

  /** Same work and same answer for an unknown phone as for a wrong password. */
  async verify(phone: string, password: string): Promise<boolean> {
    if (!this.hash || phone !== this.phone) return this.hasher.verifyNothing(password);
    return this.hasher.verify(password, this.hash);
  }
}
