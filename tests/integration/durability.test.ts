import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { DATABASE_FILE } from '../../server/database.ts';
import { spawnRelay, freePort, type RelayChild } from '../helpers/child.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, tempDir, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Items of the shared Y.Array 'items' as a set. */
const items = (doc: Y.Doc) => new Set(doc.getArray<string>('items').toArray());

describe('durability across restarts of a relay child process', () => {
  const clients: TestClient[] = [];
  const children: RelayChild[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ch of children.splice(0)) if (ch.process.exitCode === null && ch.process.signalCode === null) ch.process.kill('SIGKILL');
    for (const d of dirs.splice(0)) removeDir(d);
  });

  const start = async (port: number, dir: string) => {
    const child = await spawnRelay(port, dir, { UNLOAD_GRACE_MS: '100', COMPACT_AFTER_UPDATES: '40' });
    children.push(child);
    return child;
  };
  const client = (port: number, ws: TestWorkspace, token: string, doc?: Y.Doc) => {
    const c = connectClient(`ws://127.0.0.1:${port}/sync`, ws.workspaceId, 'ledger', token, doc);
    clients.push(c);
    return c;
  };

  for (const mode of ['SIGKILL', 'SIGTERM'] as const) {
    it(`${mode} under write load: nothing relayed is lost; an offline client re-syncs its own edits`, async () => {
      const dir = tempDir();
      dirs.push(dir);
      const port = await freePort();
      let relay = await start(port, dir);
      const ws = await createWorkspace(`http://127.0.0.1:${port}`);

      const writer = client(port, ws, ws.editor.token);
      const observer = client(port, ws, ws.admin.token);
      await Promise.all([writer.synced(), observer.synced()]);

      // Write continuously until the observer has seen a good number of relayed items.
      let n = 0;
      const timer = setInterval(() => {
        for (let k = 0; k < 5; k++) writer.doc.getArray<string>('items').push([`w${n++}`]);
      }, 2);
      await waitFor(() => observer.doc.getArray('items').length >= 300, { timeout: 30_000, message: 'observer to see 300 relayed items' });

      relay.process.kill(mode);
      // Everything the observer holds was relayed to it by the server before it went down.
      const relayed = items(observer.doc);
      observer.destroy();
      await relay.exited;
      clearInterval(timer);
      writer.provider.disconnect();
      // Edits made while the server is down (the writer is offline).
      for (let k = 0; k < 20; k++) writer.doc.getArray<string>('items').push([`offline${k}`]);
      const written = items(writer.doc);
      expect(relayed.size).toBeGreaterThanOrEqual(300);
      // The database the dead process left behind is whole (WAL recovery, no torn pages).
      const db = new Database(path.join(dir, DATABASE_FILE));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
      } finally {
        db.close();
      }

      relay = await start(port, dir);
      const fresh = client(port, ws, ws.viewer.token);
      await fresh.synced();
      const afterRestart = items(fresh.doc);
      const missing = [...relayed].filter((x) => !afterRestart.has(x));
      expect(missing, 'relayed items missing after restart').toEqual([]);

      // The writer comes back and re-syncs everything it wrote, including offline edits.
      writer.provider.connect();
      await waitFor(() => items(fresh.doc).size === written.size, { timeout: 20_000, message: 'writer edits to re-sync' });
      expect([...written].every((x) => items(fresh.doc).has(x))).toBe(true);

      // And those edits are durable too: one more restart.
      await waitFor(() => {
        const check = client(port, ws, ws.admin.token);
        const ok = check.synced().then(() => items(check.doc).size === written.size);
        return ok.finally(() => check.destroy());
      }, { timeout: 10_000 });
      relay.process.kill('SIGTERM');
      await relay.exited;
      for (const c of clients.splice(0)) c.destroy();
      relay = await start(port, dir);
      const final = client(port, ws, ws.viewer.token);
      await final.synced();
      expect(items(final.doc).size).toBe(written.size);
    });
  }
});
