import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { DocStorage } from './doc-storage.ts';
import { manualNetwork } from './network.ts';
import { startReplicator, type Replicator } from './replicator.ts';
import { MemoryLocalStore } from './store-memory.ts';
import type { WebSocketConstructor } from './sync.ts';

// Nothing listens on port 1: every connection is refused at the TCP level, like a relay that is down.
const downRelay = 'ws://127.0.0.1:1/sync';

describe('replicator without a reachable relay', () => {
  let replicator: Replicator | undefined;
  afterEach(async () => {
    await replicator?.destroy();
  });

  it('works offline: documents open, edits are stored, status says offline with unsynced edits', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const network = manualNetwork(false);
    replicator = startReplicator({
      workspace: { workspaceId: 'w', token: 't', relayUrl: downRelay },
      storage,
      network,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      disableBc: true,
      debounceMs: 5,
      intervalMs: 0
    });
    const first = replicator.open('notes');
    const second = replicator.open('notes'); // a second view of the same document shares the Y.Doc
    expect(second.doc).toBe(first.doc);
    await first.handle.whenLoaded;
    first.doc.getText('t').insert(0, 'written in the basement');
    await first.handle.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replicator.status.get()).toMatchObject({ state: 'offline', unsyncedCount: 1 });
    expect(first.status.get()).toMatchObject({ unsynced: true });

    await first.close();
    await first.close(); // closing twice must not close the other view
    expect(second.doc.isDestroyed).toBe(false);
    await second.close();
    expect(second.doc.isDestroyed).toBe(true);

    const reopened = replicator.open('notes');
    await reopened.handle.whenLoaded;
    expect(reopened.doc.getText('t').toString()).toBe('written in the basement');
    expect((await storage.getMeta('w', 'notes')).unsynced).toBe(true);
    await reopened.close();
  });
});
