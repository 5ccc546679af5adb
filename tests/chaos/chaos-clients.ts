/**
 * The two kinds of real client a chaos scenario drives, behind one small interface:
 * - `stock`: y-websocket's WebsocketProvider, as any third-party client would use it;
 * - `app`: Mutual's own local-first stack (MemoryLocalStore → DocStorage → Repo → DocHandle),
 *   which can also "restart" (close the page, open it again from the device store), like a
 *   phone that reloads the tab.
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DocStorage, MemoryLocalStore, Repo, manualNetwork, type DocRef, type WebSocketConstructor } from '../../src/lib/local/index.ts';

const wsCtor = WebSocket as unknown as WebSocketConstructor;

/** One client in a scenario. */
export interface ChaosClient {
  readonly name: string;
  readonly kind: 'stock' | 'app';
  readonly memberId: string;
  /** The current Y.Doc (an app client gets a new one on restart). */
  readonly doc: Y.Doc;
  /** Close codes of permanent refusals seen (4400–4499): a chaos failure unless rate limited. */
  readonly refusals: number[];
  /** Asked to be connected (not necessarily connected now). */
  readonly wantsOnline: boolean;
  connect(): void;
  disconnect(): void;
  setPresence(field: string, value: unknown): void;
  /** App clients: close and reopen from the device store. Stock clients: no-op. */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/** Where and as whom a client connects. */
export interface ClientTarget {
  /** `ws://127.0.0.1:<proxy port>/sync` */
  syncUrl: string;
  workspaceId: string;
  docId: string;
  token: string;
  memberId: string;
}

/** The stock WebsocketProvider in Node. */
export function stockClient(name: string, t: ClientTarget): ChaosClient {
  const doc = new Y.Doc();
  const refusals: number[] = [];
  const provider = new WebsocketProvider(t.syncUrl, `${t.workspaceId}/${t.docId}`, doc, {
    params: { token: t.token },
    WebSocketPolyfill: wsCtor,
    disableBc: true,
    maxBackoffTime: 250
  });
  provider.on('connection-close', (event) => {
    if (event && event.code >= 4400 && event.code <= 4499) refusals.push(event.code);
  });
  let wants = true;
  return {
    name,
    kind: 'stock',
    memberId: t.memberId,
    doc,
    refusals,
    get wantsOnline() {
      return wants;
    },
    connect() {
      wants = true;
      provider.connect();
    },
    disconnect() {
      wants = false;
      provider.disconnect();
    },
    setPresence(field, value) {
      provider.awareness.setLocalStateField(field, value);
    },
    async restart() {},
    async destroy() {
      provider.destroy();
      doc.destroy();
    }
  };
}

/** Mutual's own client code over an in-memory device store. */
export async function appClient(name: string, t: ClientTarget): Promise<ChaosClient> {
  const storage = new DocStorage(new MemoryLocalStore(), { compactAfterCount: 40 });
  const refusals: number[] = [];
  let wants = true;
  let repo: Repo;
  let ref: DocRef;
  const open = async () => {
    // A page load: a fresh repo over the same device store.
    repo = new Repo({ storage, network: manualNetwork(true), relayUrl: t.syncUrl, WebSocket: wsCtor, disableBc: true, maxBackoffTime: 250, rateLimitRetryMs: 200 });
    repo.onRefused((_handle, refusal) => refusals.push(refusal.code));
    ref = repo.find({ workspaceId: t.workspaceId, token: t.token }, t.docId, { sync: true });
    if (!wants) ref.handle.disconnect();
    await ref.handle.whenLoaded;
  };
  await open();
  return {
    name,
    kind: 'app',
    memberId: t.memberId,
    get doc() {
      return ref.doc;
    },
    refusals,
    get wantsOnline() {
      return wants;
    },
    connect() {
      wants = true;
      ref.handle.connect();
    },
    disconnect() {
      wants = false;
      ref.handle.disconnect();
    },
    setPresence(field, value) {
      const awareness = ref.handle.presence.awareness;
      awareness.setLocalState({ ...(awareness.getLocalState() ?? {}), [field]: value });
    },
    async restart() {
      // Like closing the tab: the handle writes its last batch to the device store first.
      await repo.close();
      await open();
    },
    async destroy() {
      await repo.close();
    }
  };
}
