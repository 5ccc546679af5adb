/**
 * Block ids: random, url-safe, unguessable enough that two devices never pick the
 * same one. They are also valid document ids (see protocol.ts `ID_PATTERN`), so a
 * block id can appear in links and URLs unchanged.
 */

/** 64 url-safe characters: one character carries exactly 6 random bits. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Length of a new block id: 16 × 6 = 96 random bits, collisions are not a concern. */
export const BLOCK_ID_LENGTH = 16;

const BLOCK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A new random block id. Uses `globalThis.crypto.getRandomValues` (browsers and
 * Node ≥ 19), never `Math.random`: predictable ids would let a peer pre-create a
 * block under an id someone else is about to use.
 */
export function newBlockId(length: number = BLOCK_ID_LENGTH): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  // & 63 keeps the distribution uniform because 256 is a multiple of 64.
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}

/** True when `value` has the shape of a block id (or option id, member id). */
export function isBlockId(value: unknown): value is string {
  return typeof value === 'string' && BLOCK_ID_PATTERN.test(value);
}
