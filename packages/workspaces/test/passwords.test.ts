import { describe, expect, it } from 'vitest';
import { generatePassword, maskPhone, normalizePhone, PasswordHasher } from '../src/index.js';

describe('password hashing (scrypt)', () => {
  const hasher = new PasswordHasher();

  it('stores the parameters and a random salt with each hash, and verifies', async () => {
    const a = await hasher.hash('correct horse 1');
    const b = await hasher.hash('correct horse 1');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify('correct horse 1', a)).toBe(true);
    expect(await hasher.verify('correct horse 2', a)).toBe(false);
    expect(await hasher.verify('correct horse 1', 'scrypt$15$8$1$bad')).toBe(false);
    expect(await hasher.verify('correct horse 1', 'md5$whatever')).toBe(false);
  });

  it('tells when a hash was made with weaker parameters', async () => {
    const stronger = new PasswordHasher({ logN: 16, r: 8, p: 1 });
    const old = await hasher.hash('pw pw pw pw');
    expect(stronger.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash(old)).toBe(false);
    expect(await stronger.verify('pw pw pw pw', old)).toBe(true);
  });
});

describe('phones and generated passwords', () => {
  it('normalizes international numbers and masks them for logs', () => {
    expect(normalizePhone('+880 1711-000001')).toBe('8801711000001');
    expect(normalizePhone('+7 (900) 123-45-67')).toBe('79001234567');
    expect(normalizePhone('01711000001')).toBeUndefined();
    expect(normalizePhone('12345')).toBeUndefined();
    expect(normalizePhone('abc')).toBeUndefined();
    expect(maskPhone('8801711000001')).toBe('880••••••••01');
  });

  it('generates 16-character passwords without look-alike characters', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-HJ-NP-Za-hj-np-z2-9]{16}$/);
  });
});
