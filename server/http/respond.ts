import type { IncomingMessage, ServerResponse } from 'node:http';
import { Limits } from '#shared/protocol';
import { codeForStatus } from '#shared/error-codes';

/**
 * A refusal with an HTTP status, a plain-words message for people and a machine-readable code
 * (src/lib/shared/error-codes.ts; by default the status's own code).
 */
export class HttpError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    code?: string
  ) {
    super(message);
    this.name = 'HttpError';
    this.code = code ?? codeForStatus(status);
  }
}

/** Headers on every API response: JSON is data, never a page to render, frame or cache. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin'
});

/** Send `body` as JSON (or nothing for 204) with the security headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = status === 204 ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...(status === 204 ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }),
    ...headers
  });
  res.end(text);
}

/** 304 Not Modified: the caller's copy (named by `etag`) is current; no body. */
export function sendNotModified(res: ServerResponse, etag: string): void {
  if (res.headersSent) return;
  res.writeHead(304, { ...SECURITY_HEADERS, etag });
  res.end();
}

/** Send `{"error": message, "code": code}` (the status's own code unless a more specific one is given). */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code?: string): void {
  sendJson(res, status, { error: message, code: code ?? codeForStatus(status) }, headers);
}

/**
 * Read a JSON object body of at most Limits.maxJsonBodyBytes. Oversized → 413 (checked
 * against Content-Length first, then while streaming), not JSON → 415/400.
 */
export async function readJsonObject(req: IncomingMessage, limit: number = Limits.maxJsonBodyBytes): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'Send the request body as JSON (Content-Type: application/json).');
  }
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new HttpError(413, `The request body is larger than ${limit} bytes.`, { connection: 'close' });
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
