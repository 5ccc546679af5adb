/**
 * The versions this device has seen or saved, in their own IndexedDB database
 * (`mutual-versions`, separate from the document store so its schema can change alone).
 * The server's history is the shared one; this copy lets a device open old versions
 * offline, keeps versions saved offline until they can be sent (`pending`), and feeds the
 * device backup.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { VersionInfo } from '#shared/history/versions';
import { sortVersions } from '#shared/history/versions';

/** A version kept on this device. */
export interface CachedVersion extends VersionInfo {
  workspaceId: string;
  /** The version's state; absent until someone opened it on this device. */
  update?: Uint8Array;
  /** Saved on this device while offline, not yet on the server. */
  pending?: boolean;
}

interface VersionsDB extends DBSchema {
  versions: { key: [string, string, string]; value: CachedVersion };
}

/** Name of the IndexedDB database. */
export const VERSIONS_DB_NAME = 'mutual-versions';

/** The device's version cache. */
export interface VersionCache {
  put(version: CachedVersion): Promise<void>;
  remove(workspaceId: string, docId: string, id: string): Promise<void>;
  get(workspaceId: string, docId: string, id: string): Promise<CachedVersion | undefined>;
  /** One document's versions, newest first. */
  list(workspaceId: string, docId: string): Promise<CachedVersion[]>;
  /** Every version of a workspace (device backup). */
  listWorkspace(workspaceId: string): Promise<CachedVersion[]>;
}

let shared: Promise<VersionCache> | null = null;

/** The device's version cache (IndexedDB, or memory where IndexedDB is unusable). */
export function versionCache(): Promise<VersionCache> {
  shared ??= openIdbCache().catch(() => memoryCache());
  return shared;
}

async function openIdbCache(): Promise<VersionCache> {
  if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
  const db: IDBPDatabase<VersionsDB> = await openDB<VersionsDB>(VERSIONS_DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore('versions', { keyPath: ['workspaceId', 'docId', 'id'] });
    },
    blocking() {
      db.close();
    }
  });
  const range = (workspaceId: string, docId?: string) =>
    docId === undefined ? IDBKeyRange.bound([workspaceId], [workspaceId, []]) : IDBKeyRange.bound([workspaceId, docId], [workspaceId, docId, []]);
  return {
    async put(v) {
      await db.put('versions', v);
    },
    async remove(w, d, id) {
      await db.delete('versions', [w, d, id]);
    },
    get: (w, d, id) => db.get('versions', [w, d, id]),
    list: async (w, d) => sortVersions(await db.getAll('versions', range(w, d))),
    listWorkspace: (w) => db.getAll('versions', range(w))
  };
}

function memoryCache(): VersionCache {
  const items = new Map<string, CachedVersion>();
  const key = (w: string, d: string, id: string) => JSON.stringify([w, d, id]);
  return {
    async put(v) {
      items.set(key(v.workspaceId, v.docId, v.id), v);
    },
    async remove(w, d, id) {
      items.delete(key(w, d, id));
    },
    get: async (w, d, id) => items.get(key(w, d, id)),
    list: async (w, d) => sortVersions([...items.values()].filter((v) => v.workspaceId === w && v.docId === d)),
    listWorkspace: async (w) => [...items.values()].filter((v) => v.workspaceId === w)
  };
}
