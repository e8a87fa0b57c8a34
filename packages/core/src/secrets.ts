import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets (panel keys, bot tokens, auth state) before they are stored: AES-256-GCM with a
 * random 96-bit nonce per value. The sealed form is `v1.<nonce>.<tag>.<ciphertext>` in base64url,
 * so a stored value says which scheme made it and a tampered value fails to open.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `secret` is any string of 32+ characters (hashed to a 256-bit key) or a 32-byte buffer. */
  constructor(secret: string | Buffer) {
    if (typeof secret === 'string') {
      if (secret.length < 32) throw new Error('the secret key must be at least 32 characters');
      this.key = createHash('sha256').update(secret).digest();
    } else {
      if (secret.length !== 32) throw new Error('the secret key must be 32 bytes');
      this.key = secret;
    }
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64url');
  }

  static isSealed(value: string): boolean {
    return /^v1\.[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
  }

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, nonce, tag, body] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
