/**
 * Ed25519 for member keys and signed ballots, in two interchangeable implementations:
 * the browser's WebCrypto (native, its private keys kept non-extractable) and, for
 * browsers whose WebCrypto lacks Ed25519 (older Firefox ESR and Safari releases among
 * them), the audited `@noble/ed25519` library. Both produce and accept the same RFC 8032
 * signatures, so a ballot signed on one device verifies on every other; which one runs is
 * decided once per page by {@link ed25519}. Pure: no `node:*`, no DOM. The library is loaded
 * only when used (issue 25: it is 4 KB of the editor's first paint that a browser with
 * WebCrypto's Ed25519 never runs).
 */
const noble = () => import('@noble/ed25519');

/** The WebCrypto algorithm of member keys. */
export const SIGNATURE_ALGORITHM = { name: 'Ed25519' } as const;

/** One Ed25519 implementation: verify raw bytes (never throws on malformed input). */
export interface Ed25519 {
  readonly name: 'webcrypto' | 'library';
  verify(publicKey: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

export const webCryptoEd25519: Ed25519 = {
  name: 'webcrypto',
  async verify(publicKey, message, signature) {
    try {
      const key = await crypto.subtle.importKey('raw', publicKey, SIGNATURE_ALGORITHM, false, ['verify']);
      return await crypto.subtle.verify(SIGNATURE_ALGORITHM, key, signature, message);
    } catch {
      return false;
    }
  }
};

export const libraryEd25519: Ed25519 = {
  name: 'library',
  async verify(publicKey, message, signature) {
    try {
      // RFC 8032's strict rules (not ZIP-215's looser ones), as WebCrypto verifies.
      return await (await noble()).verifyAsync(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  }
};

/** A library key pair: the fallback's private key is bytes (kept in IndexedDB on the device). */
export interface LibraryKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export async function libraryKeyPair(): Promise<LibraryKeyPair> {
  const lib = await noble();
  const secretKey = lib.utils.randomSecretKey();
  return { secretKey, publicKey: await lib.getPublicKeyAsync(secretKey) };
}

export async function librarySign(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  return (await noble()).signAsync(message, secretKey);
}

// RFC 8032 §7.1, test 1: a valid public key, to ask WebCrypto whether it knows Ed25519.
const PROBE_KEY = new Uint8Array([
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02,
  0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a
]);

let chosen: Promise<Ed25519> | null = null;

/** WebCrypto's Ed25519 where the browser has it, else the library (asked once per page). */
export function ed25519(): Promise<Ed25519> {
  chosen ??= (async () => {
    try {
      await crypto.subtle.importKey('raw', PROBE_KEY, SIGNATURE_ALGORITHM, false, ['verify']);
      return webCryptoEd25519;
    } catch {
      return libraryEd25519;
    }
  })();
  return chosen;
}
