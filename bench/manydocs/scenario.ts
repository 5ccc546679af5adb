/**
 * Many documents: a warm-up round of D other documents opened and closed, then D documents
 * with one client each, then a second client on each (to split memory per document from
 * memory per connection), then everyone leaves and the unload grace period passes. Memory
 * is the server's own (GET /bench/memory, after GC).
 *
 * Clients run in the bench process (not pinned): this scenario measures memory, not speed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectClient, type RawClient } from '../lib/client.ts';
import { createWorkspace } from '../lib/mutual-api.ts';
import { startServer } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/results.ts';
import type { SystemName, TargetSpec } from '../lib/systems.ts';
import { connectInfo } from '../lib/systems.ts';
import { encodeCharInsert } from '../lib/yupdate.ts';
import { mutualEnv } from '../fanout/scenario.ts';
import type { MemorySample } from '../servers/common.ts';

export interface ManyDocsParams {
  docs: number;
  /** Mutual's UNLOAD_GRACE_MS for this run (small, so the scenario does not wait long). */
  unloadGraceMs: number;
}

const MB = 2 ** 20;
const KB = 2 ** 10;

async function memory(port: number): Promise<MemorySample> {
  const res = await fetch(`http://127.0.0.1:${port}/bench/memory`);
  return (await res.json()) as MemorySample;
}

/** Connect one client per document id, `concurrency` at a time; each writes one character. */
async function connectAll(target: TargetSpec, docIds: string[], clientBase: number, concurrency = 50): Promise<RawClient[]> {
  const out: RawClient[] = [];
  for (let i = 0; i < docIds.length; i += concurrency) {
    const batch = docIds.slice(i, i + concurrency).map((docId, j) => {
      const { url, dialect } = connectInfo(target, docId);
      return connectClient(url, dialect, { timeoutMs: 60_000 }).then((c) => {
        c.sendUpdate(encodeCharInsert(clientBase + i + j, 0));
        return c;
      });
    });
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runManyDocs(system: SystemName, p: ManyDocsParams, log: (line: string) => void): Promise<ScenarioResult> {
  const params = { docs: p.docs, unloadGraceMs: system === 'mutual' ? p.unloadGraceMs : 'never (no persistence)' };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-docs-'));
  const server = await startServer(system, system === 'mutual' ? mutualEnv(dataDir, { UNLOAD_GRACE_MS: String(p.unloadGraceMs) }) : {});
  try {
    const target: TargetSpec = { system, port: server.port };
    if (system === 'mutual') Object.assign(target, await createWorkspace(server.port));
    // One warm-up document so lazily loaded code (Yjs, SQLite statements) is in the cold baseline.
    const warm = await connectAll(target, ['warmup'], 1);
    await Promise.all(warm.map((c) => c.close()));
    await sleep(p.unloadGraceMs + 1000);
    const cold = await memory(server.port);
    // Then a full warm-up round on other documents: the first time D documents are open, V8
    // compiles and optimises the hot paths, grows its hash tables and keeps pages; none of
    // that comes back and none of it grows again (docs/performance.md: two rounds compared
    // with heap snapshots). The baseline is taken after it, so "after" measures what a
    // round of D documents leaves behind — a leak — not that one-time growth.
    const round0 = await connectAll(target, Array.from({ length: p.docs }, (_, i) => `warm-${i}`), 1_000_000);
    await Promise.all(round0.map((c) => c.close()));
    await sleep(p.unloadGraceMs + 2000);
    const base = await memory(server.port);
    const docIds = Array.from({ length: p.docs }, (_, i) => `doc-${i}`);
    const first = await connectAll(target, docIds, 10_000);
    await sleep(500);
    const oneEach = await memory(server.port);
    const second = await connectAll(target, docIds, 10_000 + p.docs);
    await sleep(500);
    const twoEach = await memory(server.port);
    log(`manydocs ${system}: ${p.docs} docs connected; closing`);
    await Promise.all([...first, ...second].map((c) => c.close()));
    await sleep(p.unloadGraceMs + 2000);
    const after = await memory(server.port);
    const stats = system === 'mutual' ? ((await (await fetch(`http://127.0.0.1:${server.port}/bench/stats`)).json()) as { loadedDocuments: number; connections: number }) : null;
    const perConn = (k: keyof MemorySample) => (twoEach[k] - oneEach[k]) / p.docs;
    const perDoc = (k: keyof MemorySample) => (oneEach[k] - base[k]) / p.docs - perConn(k);
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      name: 'manydocs',
      system,
      params,
      metrics: {
        baselineRssMb: r1(base.rss / MB),
        baselineHeapMb: r1(base.heapUsed / MB),
        loadedRssMb: r1(oneEach.rss / MB),
        rssPerDocKb: r1(perDoc('rss') / KB),
        heapPerDocKb: r1(perDoc('heapUsed') / KB),
        rssPerConnKb: r1(perConn('rss') / KB),
        heapPerConnKb: r1(perConn('heapUsed') / KB),
        afterRssMb: r1(after.rss / MB),
        afterHeapMb: r1(after.heapUsed / MB),
        /** Before the warm-up round (one document opened and closed): includes the one-time growth. */
        coldBaselineRssMb: r1(cold.rss / MB),
        coldBaselineHeapMb: r1(cold.heapUsed / MB),
        heapAfterVsColdBaseline: Math.round((after.heapUsed / cold.heapUsed) * 1000) / 1000,
        /** Heap after everyone left, relative to the baseline after the warm-up round (goal: within 10%). */
        heapAfterVsBaseline: Math.round((after.heapUsed / base.heapUsed) * 1000) / 1000,
        rssAfterVsBaseline: Math.round((after.rss / base.rss) * 1000) / 1000,
        /** Mutual only: documents still in memory / sockets still open after everyone left. */
        docsLoadedAfter: stats ? stats.loadedDocuments : null,
        connectionsAfter: stats ? stats.connections : null
      }
    };
  } catch (err) {
    return { name: 'manydocs', system, params, metrics: { error: err instanceof Error ? err.message.slice(0, 300) : String(err) } };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
