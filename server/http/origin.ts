import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.ts';

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin invite links point at: the configured public origin, or the request's own
 * (Host header, and x-forwarded-proto when a proxy terminates TLS).
 */
export function requestOrigin(req: IncomingMessage, publicOrigin: string): string {
  if (publicOrigin) return publicOrigin;
  const host = req.headers.host ?? '';
  if (!HOST.test(host)) throw new HttpError(400, 'The Host header is missing or not valid.');
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** `<origin>/join/<workspaceId>#<secret>`: the secret rides in the fragment, never sent to a server. */
export function inviteUrl(origin: string, workspaceId: string, secret: string): string {
  return `${origin}/join/${workspaceId}#${secret}`;
}

/** `<origin>/link/<workspaceId>#<secret>`: a one-time device link, its secret in the fragment like an invite's. */
export function deviceLinkUrl(origin: string, workspaceId: string, secret: string): string {
  return `${origin}/link/${workspaceId}#${secret}`;
}
