/**
 * A push service on loopback for tests (issue 19): receives the real encrypted requests
 * `web-push` makes, and decrypts them with the keys of a test "browser" (RFC 8291,
 * aes128gcm), so tests check what a device would show.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
export interface TestBrowser {
  ecdh: crypto.ECDH;
  auth: Buffer;
  /** The PushSubscription JSON a browser hands to the app. */
  subscription(endpoint: string): { endpoint: string; keys: { p256dh: string; auth: string } };
}

export function testBrowser(): TestBrowser {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    ecdh,
    auth,
    subscription: (endpoint) => ({ endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } })
  };
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, length));

/** Decrypt an aes128gcm Web Push body with the browser's keys (throws if it does not decrypt). */
export function decryptPush(body: Buffer, browser: TestBrowser): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const serverKey = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const shared = browser.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.ecdh.getPublicKey(), serverKey]);
  const ikm = hkdf(browser.auth, shared, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export interface PushRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The status the service answered (null: it did not answer). */
  status: number | null;
}

/** How the service answers the next request: a status, or 'hang' (never answer). */
export type PushAnswer = number | 'hang';

export interface PushService {
  url: string;
  port: number;
  requests: PushRequest[];
  /** Answers for the coming requests, in order; after them, 201. */
  answers: PushAnswer[];
  /** Requests the service accepted (answered 2xx). */
  accepted(): PushRequest[];
  close(): Promise<void>;
}

export async function startPushService(port = 0): Promise<PushService> {
  const requests: PushRequest[] = [];
  const answers: PushAnswer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answers.shift() ?? 201;
      const record: PushRequest = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), status: answer === 'hang' ? null : answer };
      requests.push(record);
      if (answer !== 'hang') res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    answers,
    accepted: () => requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}
