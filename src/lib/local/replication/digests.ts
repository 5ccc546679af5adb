/**
 * Which documents a background pass must sync: those whose digest on the relay differs from
 * the device's, plus those holding edits the relay never confirmed (or damaged and waiting to
 * be fetched again, or never synced here). One small HTTP request instead of a socket per
 * document: a pass over a workspace where nothing changed opens none.
 */
import { DIGEST_ALGORITHM } from '#shared/digest';
import type { DocStorage } from '../doc-storage.ts';
import type { WorkspaceAccess } from '../handle/doc-handle.ts';
import type { DocMeta } from '../store.ts';

/** The relay's digest of each document of a workspace; null when it could not be asked. */
export type DigestSource = (workspace: WorkspaceAccess) => Promise<Map<string, string> | null>;

/**
 * Ask the relay (`GET /api/workspaces/:id/digest`, docs/protocol.md), with the ETag of the
 * last answer so that a pass where nothing changed costs a 304 and no list. Any failure —
 * offline, an older server without the route, an algorithm this build does not know —
 * answers null, and the pass then syncs every document as before.
 */
export function relayDigests(options: { apiBase?: string; fetch?: typeof fetch } = {}): DigestSource {
  const base = (options.apiBase ?? '').replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const last = new Map<string, { etag: string; digests: Map<string, string> }>();
  return async (workspace) => {
    try {
      const known = last.get(workspace.workspaceId);
      const response = await doFetch(`${base}/api/workspaces/${encodeURIComponent(workspace.workspaceId)}/digest`, {
        headers: { authorization: `Bearer ${workspace.token}`, ...(known ? { 'if-none-match': known.etag } : {}) },
        cache: 'no-store'
      });
      if (response.status === 304 && known) return known.digests;
      if (!response.ok) return null;
      const body = (await response.json()) as { algorithm?: unknown; documents?: unknown };
      if (body.algorithm !== DIGEST_ALGORITHM || typeof body.documents !== 'object' || body.documents === null) return null;
      const digests = new Map<string, string>();
      for (const [docId, digest] of Object.entries(body.documents)) if (typeof digest === 'string') digests.set(docId, digest);
      const etag = response.headers.get('etag');
      if (etag) last.set(workspace.workspaceId, { etag, digests });
      return digests;
    } catch {
      return null;
    }
  };
}

/** Whether the device's copy must be synced, given the relay's digest (undefined: the relay has none). */
export function needsSync(meta: DocMeta | undefined, relayDigest: string | undefined): boolean {
  if (!meta) return true;
  if (meta.unsynced || meta.needsRefetch || meta.digest === undefined) return true;
  return meta.digest !== relayDigest;
}

/** The candidates a pass must sync, in their order. */
export async function selectChanged(
  candidates: readonly string[],
  context: { storage: DocStorage; workspace: WorkspaceAccess; digests: DigestSource | undefined }
): Promise<string[]> {
  if (!context.digests || candidates.length === 0) return [...candidates];
  const relay = await context.digests(context.workspace);
  if (!relay) return [...candidates];
  const metas = await context.storage.listMeta(context.workspace.workspaceId);
  const byId = new Map(metas.map((m) => [m.docId, m]));
  return candidates.filter((docId) => needsSync(byId.get(docId), relay.get(docId)));
}
