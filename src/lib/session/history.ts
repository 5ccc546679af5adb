/**
 * Version history from the pages: record a version (named, or when a proposal closes or a
 * meeting ends), list a document's versions, fetch one, restore one.
 *
 * The server keeps the history every member sees (server/history/); this device keeps
 * what it saw (src/lib/local/versions.ts), so old versions open offline, and versions saved
 * offline wait there (`pending`) until they can be sent.
 *
 * Other features call {@link recordVersion} with where the versions go and the Y.Doc:
 *   `await recordVersion(session.historyTarget(docId), doc, { reason: 'proposal-closed', name, actor })`
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { versionCache, type CachedVersion } from '$lib/local/versions';
import { loadVersion, restoreVersion, type RestoreResult } from '$lib/shared/history/restore';
import { sortVersions, type VersionInfo, type VersionReason } from '$lib/shared/history/versions';
import type { Actor } from '$lib/shared/model';
import { serverErrorTextOf } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';

/** Where a document's versions go. */
export interface HistoryTarget {
  workspaceId: string;
  docId: string;
  /** The member token (read when needed: it lives in the workspace record). */
  token: () => string;
}

/** A version request that reached the server and was refused (the message is for people). */
export class VersionRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionRequestError';
  }
}

/** The network could not be reached. */
class OfflineError extends Error {}

const base = (t: HistoryTarget) => `/api/workspaces/${encodeURIComponent(t.workspaceId)}/docs/${encodeURIComponent(t.docId)}/versions`;

async function call<T>(t: HistoryTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${t.token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
  } catch {
    throw new OfflineError('offline');
  }
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new VersionRequestError(await serverErrorTextOf(res.status, data));
  return data as T;
}

/** Options of {@link recordVersion}. */
export interface RecordVersionOptions {
  reason: Exclude<VersionReason, 'auto'>;
  /** Named versions: the name people typed. Events: their subject (the proposal's title…). */
  name?: string | null;
  actor: Actor;
}

/**
 * Record a version of `doc` (the document `target` names) now. Online: saved on the server
 * (with this device's state, so it never misses edits not yet relayed). Offline: kept on
 * this device and sent later.
 * @throws {VersionRequestError} when the server refuses (e.g. a viewer, an empty document).
 */
export async function recordVersion(target: HistoryTarget, doc: Y.Doc, options: RecordVersionOptions): Promise<CachedVersion> {
  const update = Y.encodeStateAsUpdate(doc);
  const cache = await versionCache();
  try {
    const { version } = await call<{ version: VersionInfo }>(target, 'POST', base(target), { reason: options.reason, name: options.name ?? null, update: toBase64(update) });
    const cached: CachedVersion = { ...version, workspaceId: target.workspaceId, update };
    await cache.put(cached);
    return cached;
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    const local: CachedVersion = {
      id: `local-${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`,
      docId: target.docId,
      workspaceId: target.workspaceId,
      createdAt: options.actor.at ?? Date.now(),
      reason: options.reason,
      name: options.name ?? null,
      actor: options.actor.memberId,
      size: update.byteLength,
      update,
      pending: true
    };
    await cache.put(local);
    return local;
  }
}

/** Send versions saved offline. Stops quietly at the first network failure. */
async function sendPending(target: HistoryTarget): Promise<void> {
  const cache = await versionCache();
  for (const v of await cache.list(target.workspaceId, target.docId)) {
    if (!v.pending || !v.update) continue;
    try {
      const { version } = await call<{ version: VersionInfo }>(target, 'POST', base(target), { reason: v.reason, name: v.name, update: toBase64(v.update) });
      await cache.put({ ...version, createdAt: v.createdAt, workspaceId: target.workspaceId, update: v.update });
      await cache.remove(target.workspaceId, target.docId, v.id);
    } catch (error) {
      if (error instanceof OfflineError) return;
      // Refused for good (e.g. the member became a viewer): keep it on the device only.
      await cache.put({ ...v, pending: false });
    }
  }
}

/** A document's versions: the server's list when reachable (merged with this device's), else this device's. */
export async function listVersions(target: HistoryTarget): Promise<{ versions: CachedVersion[]; offline: boolean }> {
  const cache = await versionCache();
  await sendPending(target);
  try {
    const { versions } = await call<{ versions: VersionInfo[] }>(target, 'GET', base(target));
    const known = new Map((await cache.list(target.workspaceId, target.docId)).map((v) => [v.id, v]));
    for (const v of versions) {
      const had = known.get(v.id);
      known.set(v.id, { ...v, workspaceId: target.workspaceId, ...(had?.update ? { update: had.update } : {}) });
      if (!had) await cache.put({ ...v, workspaceId: target.workspaceId });
    }
    return { versions: sortVersions([...known.values()]), offline: false };
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    return { versions: await cache.list(target.workspaceId, target.docId), offline: true };
  }
}

/** The state of one version (from this device when it has it, else from the server). */
export async function versionState(target: HistoryTarget, version: CachedVersion): Promise<Uint8Array> {
  const cache = await versionCache();
  const cached = version.update ?? (await cache.get(target.workspaceId, target.docId, version.id))?.update;
  if (cached) return cached;
  try {
    const { update } = await call<{ update: string }>(target, 'GET', `${base(target)}/${encodeURIComponent(version.id)}`);
    const bytes = fromBase64(update);
    await cache.put({ ...version, update: bytes });
    return bytes;
  } catch (error) {
    if (error instanceof OfflineError) throw new VersionRequestError(m.history_version_not_here());
    throw error;
  }
}

/** The current state could not be kept before a restore: the restore did not happen. */
export class RestoreRefusedError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? m.history_restore_refused_because({ reason: cause.message }) : m.history_restore_refused(), { cause });
    this.name = 'RestoreRefusedError';
  }
}

/**
 * Restore `version` into the live `doc` as a new change everyone syncs. The current state is
 * saved first as a "before a restore" version, so a restore can itself be undone; when that
 * fails, nothing is restored.
 * @throws {RestoreRefusedError} when the "before a restore" version could not be saved.
 */
export async function restoreToVersion(doc: Y.Doc, target: HistoryTarget, version: CachedVersion, actor: Actor): Promise<RestoreResult> {
  const state = await versionState(target, version);
  try {
    await recordVersion(target, doc, { reason: 'before-restore', actor });
  } catch (error) {
    throw new RestoreRefusedError(error);
  }
  return restoreVersion(doc, loadVersion(state));
}
