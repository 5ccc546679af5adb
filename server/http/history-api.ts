import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromBase64, toBase64 } from 'lib0/buffer';
import { isVersionReason, MAX_VERSION_BYTES, MAX_VERSION_NAME } from '#shared/history/versions';
import { type Auth, mayRead } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { History, VersionError } from '../history/recorder.ts';
import type { VersionStore } from '../history/store.ts';
import { errorMessage, type Logger } from '../log.ts';
import { clientAddress, type RateLimiter } from './rate-limits.ts';
import { HttpError, readJsonObject, sendError, sendJson } from './respond.ts';
import { ErrorCode } from '#shared/error-codes';
import { onlyFields, requireId } from './validate.ts';

/** What the versions API needs. */
export interface HistoryApiOptions {
  auth: Auth;
  history: History;
  store: VersionStore;
  logger: Logger;
  /** Budget of versions saved per client address. */
  saveLimit: RateLimiter;
  trustProxy: boolean;
}

// base64 grows bytes by 4/3; leave room for the other fields.
const BODY_LIMIT = Math.ceil((MAX_VERSION_BYTES * 4) / 3) + 4096;

/**
 * Versions of a document (docs/protocol.md, "Versions"):
 *   GET  /api/workspaces/:id/docs/:docId/versions             any member who may read the document
 *   GET  /api/workspaces/:id/docs/:docId/versions/:versionId  same; with the state (base64)
 *   POST /api/workspaces/:id/docs/:docId/versions             editors and admins
 * Returns false for any other path, so the main API answers it.
 */
export function createHistoryApi({ auth, history, store, logger, saveLimit, trustProxy }: HistoryApiOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const caller = async (req: IncomingMessage, workspaceId: string, docId: string): Promise<AuthenticatedMember> => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const member = match ? await auth.authenticate(match[1]) : null;
    if (!member) throw new HttpError(401, 'This token is not valid or its access was removed.', { 'www-authenticate': 'Bearer' }, ErrorCode.tokenInvalid);
    if (member.workspaceId !== workspaceId) throw new HttpError(403, 'This token belongs to another workspace.', {}, ErrorCode.wrongWorkspace);
    if (!mayRead(member, docId)) throw new HttpError(403, 'Only admins and coordinators may open this document.', {}, ErrorCode.roleRequired);
    return member;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> => {
    const workspaceId = requireId(parts[2], 'The workspace id');
    const docId = requireId(parts[4], 'The document id');
    const member = await caller(req, workspaceId, docId);
    if (parts.length === 6) {
      if (req.method === 'GET' || req.method === 'HEAD') return sendJson(res, 200, { versions: await store.list(workspaceId, docId) });
      if (req.method !== 'POST') throw new HttpError(405, 'Use GET or POST for this address.', { allow: 'GET, POST' });
      if (member.role === 'viewer') throw new HttpError(403, 'Viewers can read the history but not save versions.', {}, ErrorCode.viewerReadOnly);
      await saveLimit.take(clientAddress(req, trustProxy));
      const body = await readJsonObject(req, BODY_LIMIT);
      onlyFields(body, ['reason', 'name', 'update']);
      const reason = body.reason ?? 'named';
      if (!isVersionReason(reason) || reason === 'auto') throw new HttpError(400, 'The reason must be "named", "proposal-closed", "meeting-ended", "before-restore" or "restored".');
      let name: string | null = null;
      if (body.name !== undefined && body.name !== null) {
        if (typeof body.name !== 'string' || body.name.trim().length > MAX_VERSION_NAME) throw new HttpError(400, `A version name is text of at most ${MAX_VERSION_NAME} characters.`);
        name = body.name.trim() || null;
      }
      if (reason === 'named' && !name) throw new HttpError(400, 'Give the version a name.', {}, ErrorCode.versionNameRequired);
      let update: Uint8Array | undefined;
      if (body.update !== undefined) {
        if (typeof body.update !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(body.update)) throw new HttpError(400, 'The document state must be base64 text.');
        update = fromBase64(body.update);
        if (update.byteLength > MAX_VERSION_BYTES) throw new HttpError(413, 'This document is too large to save as a version from a device.');
      }
      try {
        const version = await history.record(workspaceId, docId, { reason, name, actor: member.memberId, update });
        return sendJson(res, 201, { version });
      } catch (err) {
        if (err instanceof VersionError) throw new HttpError(400, err.message);
        throw err;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET for this address.', { allow: 'GET' });
    const versionId = requireId(parts[6], 'The version id');
    const version = await store.get(workspaceId, docId, versionId);
    if (!version) throw new HttpError(404, 'There is no such version of this document.');
    const { state, workspaceId: _w, ...info } = version;
    sendJson(res, 200, { version: info, update: toBase64(state) });
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const parts = path.split('/').filter((s) => s !== '');
    // api / workspaces / :id / docs / :docId / versions [/ :versionId]
    if (parts[0] !== 'api' || parts[1] !== 'workspaces' || parts[3] !== 'docs' || parts[5] !== 'versions' || parts.length > 7) return false;
    handle(req, res, parts.map((p) => safeDecode(p))).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers, err.code);
      logger.error('http-error', { method: req.method, path: '/api/workspaces/docs/versions', error: errorMessage(err) });
      sendError(res, 500, 'Something went wrong on the server. Please try again.');
    });
    return true;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
