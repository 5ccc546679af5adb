/**
 * The unload journal: edits whose write to the device store had not committed when the page
 * went away, kept where a page going away can still write synchronously.
 *
 * Each change is written to IndexedDB within the keystroke's task (handle/persistence.ts), but
 * a write takes a few milliseconds to commit, and the transactions of a page being unloaded
 * are aborted — a reload or a closed tab right after typing lost the last words. So when the
 * page is hidden or unloaded, whatever has not committed yet is also written here
 * (localStorage: synchronous, survives the reload), and the next load of the document applies
 * it and stores it properly. Yjs updates are idempotent, so an entry whose write did commit
 * after all costs nothing.
 *
 * One entry per document and page (a tab's id), so two tabs never overwrite each other's;
 * loading a document reads every tab's entry. Entries are removed once their content is in
 * the store, and with the workspace when the device leaves it (they hold document text).
 *
 * The same goes for what the relay was last known to hold of a document (its state vector,
 * handle/meta.ts): a confirmation that came a moment before the page went away is kept here
 * too, so the next load does not say "waiting to sync" about edits the relay has.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';

/** Entries read for one document. */
export interface JournalEntries {
  keys: string[];
  updates: Uint8Array[];
}

/** Where unstored edits go when the page goes away. Every method is synchronous and never throws. */
export interface Journal {
  /** Replace this page's entry for the document. */
  write(workspaceId: string, docId: string, update: Uint8Array): void;
  /** Remove this page's entry for the document (its content is stored). */
  clear(workspaceId: string, docId: string): void;
  /** Every page's entries for the document (damaged ones skipped). */
  read(workspaceId: string, docId: string): JournalEntries;
  /** Replace this page's note of the state vector the relay holds of the document. */
  writeAcked(workspaceId: string, docId: string, stateVector: Uint8Array): void;
  /** Every page's notes of what the relay holds of the document (damaged ones skipped). */
  readAcked(workspaceId: string, docId: string): { keys: string[]; stateVectors: Uint8Array[] };
  /** Remove entries read earlier, once their content is stored. */
  remove(keys: string[]): void;
  /** Remove every entry of a workspace (leaving it). */
  dropWorkspace(workspaceId: string): void;
}

/** The part of the Web Storage API the journal uses. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'mutual-journal';

function docPrefix(workspaceId: string, docId: string, kind: '' | '@acked:' = ''): string {
  // "@" is escaped in an encoded id, so no document's entries start like its acked notes.
  return `${PREFIX}:${encodeURIComponent(workspaceId)}:${kind}${encodeURIComponent(docId)}:`;
}

function keysStartingWith(storage: KeyValueStorage, prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const k = storage.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  return keys;
}

/** A journal over Web Storage; `pageId` tells this page's entries from other tabs'. */
export function storageJournal(storage: KeyValueStorage, pageId: string): Journal {
  // A full or disabled storage must never break editing: the journal is a safety net.
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch {
      // nothing to do: the write to the device store is still under way.
    }
  };
  const readAll = (prefix: string) => {
    const entries = { keys: [] as string[], values: [] as Uint8Array[] };
    attempt(() => {
      for (const k of keysStartingWith(storage, prefix)) {
        entries.keys.push(k);
        try {
          entries.values.push(fromBase64(storage.getItem(k) ?? ''));
        } catch {
          // damaged: dropped with the others once the document is stored
        }
      }
    });
    return entries;
  };
  return {
    write: (workspaceId, docId, update) => attempt(() => storage.setItem(docPrefix(workspaceId, docId) + pageId, toBase64(update))),
    clear: (workspaceId, docId) => attempt(() => storage.removeItem(docPrefix(workspaceId, docId) + pageId)),
    read(workspaceId, docId) {
      const { keys, values } = readAll(docPrefix(workspaceId, docId));
      return { keys, updates: values };
    },
    writeAcked: (workspaceId, docId, stateVector) =>
      attempt(() => storage.setItem(docPrefix(workspaceId, docId, '@acked:') + pageId, toBase64(stateVector))),
    readAcked(workspaceId, docId) {
      const { keys, values } = readAll(docPrefix(workspaceId, docId, '@acked:'));
      return { keys, stateVectors: values };
    },
    remove: (keys) => attempt(() => keys.forEach((k) => storage.removeItem(k))),
    dropWorkspace: (workspaceId) =>
      attempt(() => keysStartingWith(storage, `${PREFIX}:${encodeURIComponent(workspaceId)}:`).forEach((k) => storage.removeItem(k)))
  };
}

/** Web Storage held in memory (tests; and where the browser offers none). */
export function memoryKeyValueStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k)
  };
}

/** This page's journal: localStorage in a browser, memory elsewhere. */
export function pageJournal(): Journal {
  const pageId = Math.random().toString(36).slice(2, 10);
  let storage: KeyValueStorage | undefined;
  try {
    storage = globalThis.localStorage;
  } catch {
    storage = undefined; // access denied (storage blocked for the site)
  }
  return storageJournal(storage ?? memoryKeyValueStorage(), pageId);
}
