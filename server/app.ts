import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAuth, type Auth } from './auth/auth.ts';
import { createSqliteMembershipStore } from './auth/sqlite.ts';
import type { MutualConfig } from './config.ts';
import { openDatabase } from './database.ts';
import { createApi } from './http/api.ts';
import { INDEX_DOC_ID } from '#shared/protocol';
import { createLogger, errorMessage, type Logger } from './log.ts';
import { MemberDirectory } from './member-directory.ts';
import type { Broadcast } from './relay/broadcast.ts';
import type { DocumentManager } from './relay/documents.ts';
import { createRelay, type Relay } from './relay/relay.ts';
import { createMemoryStore } from './store/memory.ts';
import { createSqliteStore } from './store/sqlite.ts';
import type { DocumentStore } from './store/types.ts';

/** One Mutual server: HTTP API + relay, without the SvelteKit handler (see main.ts). */
export interface Mutual {
  /** Handle /api/* and /healthz. Returns false when the request is not ours. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Handle a websocket upgrade under /sync/. Returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Close sockets (1001), persist pending writes, compact, close the database. */
  close(): Promise<void>;
  /** Workspaces, members, invites, tokens. */
  readonly auth: Auth;
  /** Read/write documents from server code: `documents.read/change(workspaceId, docId, fn)`. */
  readonly documents: DocumentManager;
  /** The websocket relay (connection count, …). */
  readonly relay: Relay;
  /** The member directory writer (index document). */
  readonly directory: MemberDirectory;
}

/** Replaceable parts, for tests and future deployments (PostgreSQL store, Redis broadcast). */
export interface MutualParts {
  logger?: Logger;
  /** Wraps or replaces the document store built from the config. */
  store?: (built: DocumentStore) => DocumentStore;
  broadcast?: Broadcast;
}

/** Build a Mutual server from its configuration. */
export async function createMutual(config: MutualConfig, parts: MutualParts = {}): Promise<Mutual> {
  const logger = parts.logger ?? createLogger(config.logLevel);
  // Memberships always live in SQLite; STORE=memory keeps even those in memory.
  const db = openDatabase(config.store === 'memory' ? ':memory:' : config.dataDir);
  const built = config.store === 'memory' ? createMemoryStore() : createSqliteStore(db);
  const store = parts.store ? parts.store(built) : built;
  const auth = createAuth(createSqliteMembershipStore(db));
  // The directory is created right after the relay; the hook only runs on later loads.
  let directory: MemberDirectory | null = null;
  const relay = createRelay({
    config,
    store,
    auth,
    logger,
    broadcast: parts.broadcast,
    onDocumentLoaded(workspaceId, docId) {
      if (docId !== INDEX_DOC_ID || !directory) return;
      const dir = directory;
      auth
        .listMembers(workspaceId)
        .then((members) => (members.length > 0 ? dir.reconcile(workspaceId, members) : undefined))
        .catch((err: unknown) => logger.warn('member-directory-reconcile-failed', { workspace: workspaceId, error: errorMessage(err) }));
    }
  });
  directory = new MemberDirectory(relay.documents);
  const api = createApi({ auth, directory, logger, publicOrigin: config.publicOrigin });
  let closing: Promise<void> | null = null;

  return {
    auth,
    relay,
    directory,
    documents: relay.documents,
    handleHttp: api,
    handleUpgrade: (req, socket, head) => relay.handleUpgrade(req, socket, head),
    close() {
      closing ??= (async () => {
        await relay.close();
        await store.close();
        if (built !== store) await built.close();
        db.close();
      })();
      return closing;
    }
  };
}
