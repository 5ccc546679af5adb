import crypto from 'node:crypto';

/**
 * A fresh random secret (token or invite): 32 random bytes (256 bits), base64url.
 * Secrets are shown to their owner once and stored only as {@link hashSecret}.
 */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** A random id matching ID_PATTERN: `bytes` random bytes, base64url (16 bytes → 22 chars). */
export function newId(bytes = 12): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a secret, hex. Secrets carry 256 bits of entropy, so an unsalted fast hash
 * is enough: nothing to brute-force, and lookups by hash stay an index hit.
 */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compare two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && ba.length > 0 && crypto.timingSafeEqual(ba, bb);
}
