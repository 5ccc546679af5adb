/**
 * Cold load of the B4 document from Mutual's SQLite store:
 *  - store-level: `store.load` + applying snapshot and log to a fresh Y.Doc, exactly as the
 *    relay's DocumentManager.load does, for the raw log (~260k rows) and after compaction;
 *  - over the relay: a fresh server process, a raw client joins, time until sync step 2.
 * The workspace is created through the API first (so the relay admits the client), then
 * the server stops and the document is written with the store API into the same database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { openDatabase } from '../../server/database.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { docKey, type DocKey, type DocumentStore } from '../../server/store/types.ts';
import { connectClient } from '../lib/client.ts';
import { mutualEnv } from '../fanout/scenario.ts';
import { createWorkspace } from '../lib/mutual-api.ts';
import { startServer } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { connectInfo } from '../lib/systems.ts';
import type { Dialect } from '../lib/wire.ts';
import { replayB4 } from './trace.ts';

const LOG_DOC = 'b4-log';
const SNAPSHOT_DOC = 'b4-compacted';

/**
 * What a device holding the whole document gets back for a sync step 1 (a Mutual device asks,
 * once a second while its edits wait, whether the relay holds them): the first answer of a
 * connection, and a later one on the same connection. Bytes of the step 2 payload.
 */
async function probeAnswerBytes(url: string, dialect: Dialect, stateVector: Uint8Array): Promise<{ first: number; later: number }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const answers: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no probe answers within 60 s')), 60_000);
      ws.on('error', reject);
      ws.on('open', () => ws.send(dialect.step1(stateVector)));
      ws.on('message', (data: Buffer) => {
        const message = dialect.read(data);
        if (message.kind !== 'step2') return;
        answers.push(message.update.byteLength);
        if (answers.length === 1) ws.send(dialect.step1(stateVector));
        else (clearTimeout(timer), resolve());
      });
    });
  } finally {
    ws.terminate();
  }
  return { first: answers[0]!, later: answers[1]! };
}

/** Load as the relay does; returns ms spent reading SQLite and applying to a Y.Doc. */
async function timedLoad(store: DocumentStore, key: DocKey): Promise<{ readMs: number; applyMs: number; text: string }> {
  const t0 = performance.now();
  const stored = await store.load(key);
  const t1 = performance.now();
  const ydoc = new Y.Doc({ gc: true });
  ydoc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(ydoc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(ydoc, u);
  });
  const t2 = performance.now();
  const text = ydoc.get('root', Y.XmlText).toString();
  ydoc.destroy();
  return { readMs: t1 - t0, applyMs: t2 - t1, text };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function runColdLoad(opts: { repeats: number; limit?: number }, log: (line: string) => void): Promise<ScenarioResult[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-b4-'));
  try {
    let t = performance.now();
    const { updates, doc, chars } = replayB4(opts.limit);
    const generateMs = performance.now() - t;
    const logBytes = updates.reduce((n, u) => n + u.byteLength, 0);
    log(`coldload: B4 replayed, ${updates.length} updates, ${chars} chars, ${Math.round(generateMs)} ms`);

    // The workspace, through the API, so the relay will admit a client later.
    let server = await startServer('mutual', mutualEnv(dataDir));
    const ws = await createWorkspace(server.port);
    await server.stop();

    const db = openDatabase(dataDir);
    const store = createSqliteStore(db);
    const logKey = docKey(ws.workspaceId, LOG_DOC);
    const snapKey = docKey(ws.workspaceId, SNAPSHOT_DOC);
    t = performance.now();
    await Promise.all(updates.map((u) => store.append(logKey, u)));
    const appendMs = performance.now() - t;
    await Promise.all(updates.map((u) => store.append(snapKey, u)));
    const snapshot = Y.encodeStateAsUpdate(doc);
    t = performance.now();
    await store.compact(snapKey, snapshot);
    const compactMs = performance.now() - t;
    const expected = doc.get('root', Y.XmlText).toString();

    const raw = [];
    for (let i = 0; i < Math.max(1, Math.min(3, opts.repeats)); i++) raw.push(await timedLoad(store, logKey));
    const compacted = [];
    for (let i = 0; i < opts.repeats; i++) compacted.push(await timedLoad(store, snapKey));
    if (raw.some((r) => r.text !== expected) || compacted.some((r) => r.text !== expected)) throw new Error('a load from SQLite did not reproduce the B4 text');
    await store.close();
    db.close();
    log(`coldload: store loads measured (log ${Math.round(median(raw.map((r) => r.readMs + r.applyMs)))} ms, compacted ${r1(median(compacted.map((r) => r.readMs + r.applyMs)))} ms)`);

    // Over the relay: a fresh process per document so each first join is a cold load.
    const firstSync: Record<string, number | string> = {};
    let probe: { first: number; later: number } | string = 'not measured';
    for (const docId of [SNAPSHOT_DOC, LOG_DOC]) {
      server = await startServer('mutual', mutualEnv(dataDir));
      try {
        const { url, dialect } = connectInfo({ system: 'mutual', port: server.port, ...ws }, docId);
        t = performance.now();
        const c = await connectClient(url, dialect, { timeoutMs: 120_000 });
        firstSync[docId] = r1(performance.now() - t);
        await c.close();
        if (docId === SNAPSHOT_DOC) probe = await probeAnswerBytes(url, dialect, Y.encodeStateVector(doc));
      } catch (err) {
        firstSync[docId] = err instanceof Error ? err.message.slice(0, 200) : String(err);
        if (docId === SNAPSHOT_DOC) probe = firstSync[docId] as string;
      } finally {
        await server.stop();
      }
    }
    const base = { updates: updates.length, chars, logMb: r1(logBytes / 2 ** 20), snapshotKb: r1(snapshot.byteLength / 1024) };
    const ms = (rs: { readMs: number; applyMs: number }[]) => ({
      loadMs: r1(median(rs.map((r) => r.readMs + r.applyMs))),
      sqliteReadMs: r1(median(rs.map((r) => r.readMs))),
      applyMs: r1(median(rs.map((r) => r.applyMs)))
    });
    return [
      { name: 'coldload', system: 'mutual', params: { ...base, compacted: false, repeats: raw.length }, metrics: { ...ms(raw), firstSyncMs: firstSync[LOG_DOC], appendAllMs: r1(appendMs) } },
      { name: 'coldload', system: 'mutual', params: { ...base, compacted: true, repeats: compacted.length }, metrics: { ...ms(compacted), firstSyncMs: firstSync[SNAPSHOT_DOC], compactMs: r1(compactMs), ...probeMetrics(probe) } }
    ];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A device's probe answers, as metrics: the first of a connection carries the whole delete set, a later one what the device lacks. */
function probeMetrics(probe: { first: number; later: number } | string): Record<string, number | string> {
  return typeof probe === 'string' ? { probeAnswer: probe } : { probeAnswerFirstBytes: probe.first, probeAnswerLaterBytes: probe.later };
}
