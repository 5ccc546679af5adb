/**
 * Issue 10, retention: once a need has been fulfilled or withdrawn for the retention period,
 * its contact details are deleted from the private document, the document is compacted and
 * the SQLite file scrubbed, so the phone number is gone from the relay's stored bytes (the
 * database file AND its write-ahead log), and from connected devices.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../server/database.ts';
import { DAY_MS, createNeed, fulfilNeed, privateDocIdFor, readContact, setContact, withdrawNeed } from '../../src/lib/shared/model/index.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PHONE = '07700 900461';
const ADDRESS = '12 Elm Street';
const KEPT_PHONE = '07700 900777';
const BOARD = 'board1';
const T0 = Date.UTC(2025, 0, 1);

/** Every byte SQLite holds on disk for this server: the database file and its WAL. */
function storedBytes(dataDir: string): Buffer {
  const file = path.join(dataDir, DATABASE_FILE);
  const parts = [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
  return Buffer.concat(parts);
}
const stored = (server: TestServer, text: string): boolean => storedBytes(server.dataDir).includes(Buffer.from(text, 'utf8'));

describe('needs board retention purge (stored bytes)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let clock = T0;
  const clients: TestClient[] = [];
  const client = (docId: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, ws.admin.token);
    clients.push(c);
    return c;
  };

  /** A board with a fulfilled ask and an open ask, both with contact details, all durable. */
  async function takeIn() {
    const board = client(BOARD);
    const contacts = client(privateDocIdFor(BOARD));
    await Promise.all([board.synced(), contacts.synced()]);
    const by = { memberId: ws.admin.memberId, at: T0 };
    createNeed(board.doc, { id: 'done', kind: 'ask', title: 'Groceries', category: 'food' }, by);
    createNeed(board.doc, { id: 'open', kind: 'ask', title: 'Lift to the clinic', category: 'transport' }, by);
    setContact(contacts.doc, 'done', { name: 'Dee', phone: PHONE, address: ADDRESS }, by);
    setContact(contacts.doc, 'open', { name: 'Kit', phone: KEPT_PHONE }, by);
    fulfilNeed(board.doc, 'done', by);
    // Durable on the relay once a fresh client receives it.
    const check = client(privateDocIdFor(BOARD));
    await waitFor(() => readContact(check.doc, 'open').value?.phone === KEPT_PHONE, { message: 'details stored' });
    const checkBoard = client(BOARD);
    await waitFor(() => checkBoard.doc.getMap('blocks').size === 2, { message: 'board stored' });
    return { board, contacts };
  }

  beforeEach(async () => {
    clock = T0;
    server = await startServer({ config: { unloadGraceMs: 50 }, parts: { now: () => clock } });
    ws = await createWorkspace(server.httpUrl);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('keeps details during the retention period; after it, the phone number is gone from the database and the WAL', async () => {
    const { contacts } = await takeIn();
    expect(stored(server, PHONE), 'present before the purge').toBe(true);

    clock = T0 + 30 * DAY_MS - 1;
    expect(await server.mutual.retention.runAll()).toBe(0);
    expect(stored(server, PHONE)).toBe(true);

    clock = T0 + 30 * DAY_MS;
    expect(await server.mutual.retention.runAll()).toBe(1);
    // Connected devices lose them on sync…
    await waitFor(() => readContact(contacts.doc, 'done').value === null, { message: 'device drops purged details' });
    expect(readContact(contacts.doc, 'open').value?.phone).toBe(KEPT_PHONE);
    // …and no byte of them is left on the relay's disk.
    expect(stored(server, PHONE), 'phone gone after purge + compaction').toBe(false);
    expect(stored(server, ADDRESS)).toBe(false);
    expect(stored(server, KEPT_PHONE), 'details of the open ask stay').toBe(true);
  });

  it('purges when the private document loads, and honours the workspace retention setting', async () => {
    await takeIn();
    // A shorter retention, set by an admin (settings are server-written: the API writes them
    // into the index; a client writing them directly is refused).
    const set = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/settings`, { token: ws.admin.token, body: { needsRetentionDays: 7 } });
    expect(set.status).toBe(200);
    const board = clients.find((c) => c.provider.roomname.endsWith(`/${BOARD}`))!;
    withdrawNeed(board.doc, 'open', { memberId: ws.admin.memberId, at: T0 + 2 * DAY_MS });
    await waitFor(() => server.mutual.documents.read(ws.workspaceId, BOARD, (d) => JSON.stringify(d.getMap('blocks').toJSON()).includes('withdraw')), {
      message: 'withdrawal stored'
    });
    await waitFor(() => server.mutual.documents.read(ws.workspaceId, 'index', (d) => d.getMap('settings').get('needsRetentionDays') === 7), { message: 'setting stored' });
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, privateDocIdFor(BOARD)), { message: 'private doc unloaded' });

    clock = T0 + 9 * DAY_MS;
    const fresh = client(privateDocIdFor(BOARD));
    await fresh.synced();
    await waitFor(() => !stored(server, KEPT_PHONE) && !stored(server, PHONE), { message: 'both purged on load' });
    await waitFor(() => readContact(fresh.doc, 'open').value === null && readContact(fresh.doc, 'done').value === null, { message: 'fresh device has none' });
  });
});
