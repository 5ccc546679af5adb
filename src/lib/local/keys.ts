/**
 * This device's signing key for each membership (issue 8): an Ed25519 key pair made with
 * WebCrypto whose private key is NOT extractable, kept in IndexedDB as a CryptoKey
 * (structured-clonable: the browser stores the key material, the page never sees it).
 * Keyed by workspace id + member id. The public key (raw, base64url) is registered with
 * the membership through the API; the relay writes it into the member directory.
 *
 * A browser whose WebCrypto lacks Ed25519 gets a key pair from the `@noble/ed25519` library
 * instead: its secret key is bytes in the same store (readable by the page's own code, so
 * a weaker keeping than a non-extractable CryptoKey; docs/security.md), and its signatures
 * verify everywhere as WebCrypto's do.
 *
 * A separate database (`mutual-keys`) so that the document store's schema versions and
 * this never have to move together, and leaving a workspace can forget its key on purpose.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { SIGNATURE_ALGORITHM, exportPublicKey, signPayload, toBase64Url } from '../shared/model/signatures.ts';
import { ed25519, libraryKeyPair } from '../shared/model/ed25519.ts';
import { m } from '../paraglide/messages.js';

const DB_NAME = 'mutual-keys';
const STORE = 'keys';

interface StoredKey {
  id: string;
  workspaceId: string;
  memberId: string;
  /** WebCrypto's pair, or (no Ed25519 in WebCrypto) the library's secret key bytes. */
  keys: CryptoKeyPair | { secretKey: Uint8Array };
  publicKey: string;
  createdAt: number;
}

/** A membership's signing key on this device. */
export interface DeviceKey {
  /** Raw public key, base64url — what the directory holds. */
  publicKey: string;
  /** Sign a payload (UTF-8) with the private key; base64url signature. */
  sign(payload: string): Promise<string>;
}

/** Why keys are unavailable, in plain words in the chosen language (old browser, private mode without IndexedDB). */
export class DeviceKeyError extends Error {
  override readonly name = 'DeviceKeyError';
}

let opening: Promise<IDBPDatabase> | null = null;
function db(): Promise<IDBPDatabase> {
  // One connection per page; a failed open is retried next time.
  opening ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'id' });
    }
  }).catch((error: unknown) => {
    opening = null;
    throw new DeviceKeyError(m.keys_no_indexeddb(), { cause: error });
  });
  return opening;
}

const pending = new Map<string, Promise<DeviceKey>>();

/**
 * The device's key for a membership, made on first use. Concurrent callers share one
 * creation (two tabs may still race: the later put wins and both keys get registered,
 * which the directory's key list allows).
 */
export function deviceKey(workspaceId: string, memberId: string): Promise<DeviceKey> {
  const id = `${workspaceId}/${memberId}`;
  let existing = pending.get(id);
  if (!existing) {
    existing = loadOrCreate(id, workspaceId, memberId);
    pending.set(id, existing);
    existing.catch(() => pending.delete(id));
  }
  return existing;
}

async function loadOrCreate(id: string, workspaceId: string, memberId: string): Promise<DeviceKey> {
  if (!globalThis.crypto?.subtle) throw new DeviceKeyError(m.keys_no_webcrypto());
  const database = await db();
  let stored = (await database.get(STORE, id)) as StoredKey | undefined;
  if (!stored) {
    stored = { id, workspaceId, memberId, ...(await newKeys()), createdAt: Date.now() };
    await database.put(STORE, stored);
  }
  const { keys, publicKey } = stored;
  const privateKey = 'secretKey' in keys ? keys.secretKey : keys.privateKey;
  return { publicKey, sign: (payload) => signPayload(privateKey, payload) };
}

/** A new key pair: WebCrypto's (non-extractable) where it has Ed25519, else the library's. */
async function newKeys(): Promise<Pick<StoredKey, 'keys' | 'publicKey'>> {
  try {
    if ((await ed25519()).name === 'library') {
      const pair = await libraryKeyPair();
      return { keys: { secretKey: pair.secretKey }, publicKey: toBase64Url(pair.publicKey) };
    }
    const keys = (await crypto.subtle.generateKey(SIGNATURE_ALGORITHM, false, ['sign', 'verify'])) as CryptoKeyPair;
    return { keys, publicKey: await exportPublicKey(keys.publicKey) };
  } catch (error) {
    throw new DeviceKeyError(m.keys_cannot_make(), { cause: error });
  }
}

/** Forget a workspace's keys on this device (when leaving it). */
export async function forgetDeviceKeys(workspaceId: string): Promise<void> {
  const database = await db();
  const all = (await database.getAll(STORE)) as StoredKey[];
  await Promise.all(all.filter((k) => k.workspaceId === workspaceId).map((k) => database.delete(STORE, k.id)));
  for (const key of pending.keys()) if (key.startsWith(`${workspaceId}/`)) pending.delete(key);
}
