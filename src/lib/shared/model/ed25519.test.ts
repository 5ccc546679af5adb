/**
 * The Ed25519 fallback (the `@noble/ed25519` library, for browsers whose WebCrypto lacks
 * Ed25519) and WebCrypto agree: each verifies what the other signed, both reject what they
 * should, and with Ed25519 missing from WebCrypto a ballot signed by WebCrypto elsewhere
 * still verifies (never shown as invalid).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { libraryEd25519, libraryKeyPair, librarySign, SIGNATURE_ALGORITHM, webCryptoEd25519 } from './ed25519';

const hex = (h: string) => new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16)));
const bytes = (text: string) => new TextEncoder().encode(text);

async function webCryptoPair() {
  const keys = (await crypto.subtle.generateKey(SIGNATURE_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey)) };
}

describe('Ed25519: WebCrypto and the library fallback', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('both verify RFC 8032 test 1, and neither a changed message', async () => {
    const publicKey = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = hex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
    for (const impl of [webCryptoEd25519, libraryEd25519]) {
      expect(await impl.verify(publicKey, new Uint8Array(0), signature), impl.name).toBe(true);
      expect(await impl.verify(publicKey, bytes('x'), signature), impl.name).toBe(false);
    }
    // The library signs the RFC's message exactly as the RFC does.
    expect(await librarySign(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'), new Uint8Array(0))).toEqual(signature);
  });

  it('the library verifies what WebCrypto signed, and WebCrypto what the library signed', async () => {
    const message = bytes('doc/proposal/member: consent');
    const web = await webCryptoPair();
    const webSig = new Uint8Array(await crypto.subtle.sign(SIGNATURE_ALGORITHM, web.keys.privateKey, message));
    expect(await libraryEd25519.verify(web.publicKey, message, webSig)).toBe(true);

    const lib = await libraryKeyPair();
    const libSig = new Uint8Array(await librarySign(lib.secretKey, message));
    const libPublic = new Uint8Array(lib.publicKey);
    expect(await webCryptoEd25519.verify(libPublic, message, libSig)).toBe(true);

    // Another member's key, or another message, verifies with neither.
    for (const impl of [webCryptoEd25519, libraryEd25519]) {
      expect(await impl.verify(libPublic, message, webSig), impl.name).toBe(false);
      expect(await impl.verify(web.publicKey, bytes('doc/proposal/member: object'), webSig), impl.name).toBe(false);
      expect(await impl.verify(web.publicKey, message, new Uint8Array(64)), impl.name).toBe(false);
    }
  });

  it('uses WebCrypto where it has Ed25519', async () => {
    const { ed25519 } = await import('./ed25519');
    expect((await ed25519()).name).toBe('webcrypto');
  });

  it('without Ed25519 in WebCrypto, ballots signed by WebCrypto elsewhere still verify, and the device signs with the library', async () => {
    const message = 'workspace/doc/proposal/ana\nconsent';
    const web = await webCryptoPair();
    const { signPayload: sign, toBase64Url } = await import('./signatures');
    const webSignature = await sign(web.keys.privateKey, message);
    const realImport = crypto.subtle.importKey.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((...args: Parameters<typeof crypto.subtle.importKey>) => {
      const algorithm = args[2];
      if (typeof algorithm === 'object' && algorithm.name === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError'));
      return realImport(...args);
    }) as typeof crypto.subtle.importKey);
    vi.resetModules();
    const { ed25519 } = await import('./ed25519');
    const { verifyPayload, signPayload } = await import('./signatures');
    expect((await ed25519()).name).toBe('library');
    expect(await verifyPayload(toBase64Url(web.publicKey), message, webSignature)).toBe(true);
    expect(await verifyPayload(toBase64Url(web.publicKey), `${message}!`, webSignature)).toBe(false);
    const lib = await libraryKeyPair();
    const libSignature = await signPayload(lib.secretKey, message);
    expect(await verifyPayload(toBase64Url(lib.publicKey), message, libSignature)).toBe(true);
    vi.restoreAllMocks();
    // And WebCrypto (another device) accepts the library's signature.
    expect(await webCryptoEd25519.verify(new Uint8Array(lib.publicKey), bytes(message), new Uint8Array(await librarySign(lib.secretKey, bytes(message))))).toBe(true);
  });
});
