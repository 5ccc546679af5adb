/**
 * Relay frame fuzzer. Starts the real relay in a child process, keeps two stock clients
 * syncing a document throughout (the control), and sends seeded batches of hostile frames
 * (see relay-fuzz-frames.ts) over many sockets, several at once, half of them on the
 * control's own document. Checks that:
 * - the relay process never dies and /healthz keeps answering;
 * - every socket ends the way its batch allows (kept open and answering — a flood too, slowed
 *   down by flow control — or refused with 4400 / 4413 / 4422, 4429 for a presence flood),
 *   never with 1006 (dropped) or 1011 (a server fault);
 * - every socket is greeted (sync step 1) — a socket that is not is reported with the
 *   document's relay-side state (relay-probe.ts);
 * - the control clients never see a close and keep syncing (each round of edits arrives);
 * - the child's memory is bounded: what it holds after a full GC once every document
 *   unloaded, next to before (RSS before, peak and after are reported too).
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { prng } from '../chaos/chaos.ts';
import { RelayProcess } from '../chaos/net.ts';
import { connectClient, rawSocket, type RawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace } from '../helpers/server.ts';
import * as encoding from 'lib0/encoding';
import { readClientFrame } from '../../server/relay/messages.ts';
import { FAMILIES, frame, nextBatch, type Batch, type Family } from './relay-fuzz-frames.ts';
import { liveMiB, relaySideState, settledLiveMiB, untilUnloaded } from './relay-probe.ts';

/** Settings of a fuzz run. */
export interface RelayFuzzOptions {
  frames: number;
  seed: number;
  /** Sockets fuzzing at once. Default 6. */
  concurrency?: number;
  /** Called with a line of progress now and then. */
  log?: (line: string) => void;
}

/** What a run found. */
export interface RelayFuzzResult {
  frames: number;
  sockets: number;
  /** Close codes seen, by code (ours = closed by the fuzzer after the batch). */
  closes: Record<string, number>;
  byKind: Record<string, number>;
  controlRounds: number;
  /** Slowest control round (edit → seen by the other control client). */
  controlMaxMs: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  /** Heap and buffers the relay holds after a full GC, before the fuzz and once its documents unloaded. */
  liveBeforeMiB: number;
  liveAfterMiB: number;
  problems: string[];
  ms: number;
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

const CONTROL_LIMIT_MS = 15_000;
/** The relay closes a socket it did not greet after 20 s (ADMIT_TIMEOUT_MS); wait a little longer. */
const GREETING_LIMIT_MS = 25_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run the fuzzer. Never throws for a finding: see `problems`. */
export async function runRelayFuzz(opts: RelayFuzzOptions): Promise<RelayFuzzResult> {
  const started = Date.now();
  const concurrency = opts.concurrency ?? 6;
  const log = opts.log ?? (() => {});
  const problems: string[] = [];
  const closes: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  // Held updates time out after 200 ms instead of 10 s: the fuzz sends many out-of-order
  // updates, and a socket's confirmation waits for its held updates to settle.
  const relay = await RelayProcess.start({ UNLOAD_GRACE_MS: '200', TEST_MAX_HOLD_MS: '200' });
  const pid = relay.pid!;
  const ws = await createWorkspace(relay.httpUrl, 'Fuzz');
  const syncUrl = `ws://127.0.0.1:${relay.port}/sync`;
  const writer = connectClient(syncUrl, ws.workspaceId, 'control', ws.admin.token);
  const reader = connectClient(syncUrl, ws.workspaceId, 'control', ws.viewer.token);
  const controls: TestClient[] = [writer, reader];
  let frames = 0;
  let sockets = 0;
  let controlRounds = 0;
  let stop = false;
  let controlMaxMs = 0;

  try {
    await Promise.all(controls.map((c) => c.synced()));
    const rssBeforeMiB = rssMiB(pid);
    const liveBeforeMiB = await liveMiB(relay.httpUrl);
    let rssPeakMiB = rssBeforeMiB;

    // The control: one edit every 50 ms must reach the reader (by state vector, so a hostile
    // peer deleting the text cannot fake a failure) within CONTROL_LIMIT_MS (generous: test
    // machines are shared and loaded; the slowest round is reported).
    const control = (async () => {
      while (!stop) {
        writer.doc.getText('control').insert(0, `r${controlRounds};`);
        const clock = Y.getState(writer.doc.store, writer.doc.clientID);
        const deadline = Date.now() + CONTROL_LIMIT_MS;
        while (Y.getState(reader.doc.store, writer.doc.clientID) < clock && Date.now() < deadline) await sleep(5);
        if (Y.getState(reader.doc.store, writer.doc.clientID) < clock) problems.push(`control round ${controlRounds} did not sync within ${CONTROL_LIMIT_MS} ms`);
        controlMaxMs = Math.max(controlMaxMs, Date.now() - (deadline - CONTROL_LIMIT_MS));
        controlRounds++;
        rssPeakMiB = Math.max(rssPeakMiB, rssMiB(pid));
        await sleep(50);
      }
    })();

    const worker = async (w: number) => {
      // Each worker draws from its own stream with its own share of the frames, the families
      // and the heavy budget: the batches and documents a seed sends do not depend on timing.
      const rng = prng(opts.seed * 1000 + w);
      const families = Object.keys(FAMILIES) as Family[];
      const prologue = families.filter((_, i) => i % concurrency === w);
      // `total` of a heavy family, dealt round-robin from the worker whose prologue has it.
      const share = (family: Family, total: number) => Array.from({ length: total }, (_, i) => (families.indexOf(family) + i) % concurrency).filter((x) => x === w).length;
      const heavy = { oversized: share('oversized', 3), bigUpdates: share('bigUpdate', 3), floods: share('flood', 1), presenceFloods: share('presenceFlood', 1) };
      let sent = 0;
      while (sent < opts.frames / concurrency && problems.length < 20) {
        // Every family once first (so each run covers them all), then the dice decide.
        const family = prologue.shift();
        const batch = nextBatch(rng, 1 + rng.int(250), heavy, family);
        sent += batch.frames.length;
        frames += batch.frames.length;
        sockets++;
        byKind[batch.kind] = (byKind[batch.kind] ?? 0) + batch.frames.length;
        const docId = rng.chance(0.5) ? 'control' : `fuzz${w}-${rng.int(4)}`;
        const target = { url: `${syncUrl}/${ws.workspaceId}/${docId}?token=${ws.editor.token}`, relaySide: () => relaySideState(relay.httpUrl, ws.workspaceId, docId) };
        await fuzzSocket(target, batch, closes, problems);
        if (sockets % 100 === 0) log(`${frames} frames, ${sockets} sockets, rss ${rssMiB(pid)} MiB`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    stop = true;
    await control;

    if (relay.pid === undefined || (await api(relay.httpUrl, 'GET', '/healthz').catch(() => ({ status: 0 }))).status !== 200) problems.push('the relay is not healthy after the fuzz');
    for (const c of controls) if (c.closes.length) problems.push(`a control client was closed: ${JSON.stringify(c.closes)}`);
    const ms = Date.now() - started;
    // Let every document unload (the control's too), then measure what the relay still holds.
    for (const c of controls.splice(0)) c.destroy();
    await untilUnloaded(relay.httpUrl, ws.workspaceId, ['control', ...Array.from({ length: concurrency * 4 }, (_, i) => `fuzz${Math.floor(i / 4)}-${i % 4}`)]);
    const rssAfterMiB = rssMiB(pid);
    const liveAfterMiB = await settledLiveMiB(relay.httpUrl);
    return { frames, sockets, closes, byKind, controlRounds, controlMaxMs, rssBeforeMiB, rssPeakMiB, rssAfterMiB, liveBeforeMiB, liveAfterMiB, problems, ms };
  } finally {
    stop = true;
    for (const c of controls) c.destroy();
    await relay.stop();
  }
}

const PROBE = frame((e) => {
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
});

function isStep1(f: Uint8Array | string): boolean {
  if (typeof f === 'string') return false;
  try {
    return readClientFrame(f).type === 'sync-step1';
  } catch {
    return false;
  }
}

/** A sync step 2 from the relay: type 0, sub-type 1. */
const isStep2 = (f: Uint8Array) => f[0] === 0 && f[1] === 1;

/** The relay speaks first (sync step 1) once the document is loaded: wait for that, a close, or the limit. */
function greeting(sock: RawSocket): Promise<'greeted' | 'timeout' | { code: number; reason: string }> {
  if (sock.frames.length > 0) return Promise.resolve('greeted');
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    new Promise<'greeted'>((resolve) => sock.ws.once('message', () => resolve('greeted'))),
    sock.closed.then(({ code, reason }) => ({ code, reason })),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), GREETING_LIMIT_MS)))
  ]).finally(() => clearTimeout(timer));
}

/** Open one socket, wait until the relay admitted it, send the batch, check how it ends. */
async function fuzzSocket(target: { url: string; relaySide: () => Promise<string> }, batch: Batch, closes: Record<string, number>, problems: string[]): Promise<void> {
  const sock = rawSocket(target.url);
  const count = (code: string) => (closes[code] = (closes[code] ?? 0) + 1);
  try {
    await sock.opened;
    const greeted = await greeting(sock);
    if (greeted !== 'greeted') {
      // Every socket here is a valid editor's: anything but a greeting is the relay's fault.
      const what = greeted === 'timeout' ? `did not greet an admitted socket within ${GREETING_LIMIT_MS} ms` : `closed an admitted socket before greeting it: ${greeted.code} (${greeted.reason})`;
      count(greeted === 'timeout' ? 'not greeted' : String(greeted.code));
      throw new Error(`the relay ${what}; relay-side document: ${await target.relaySide()}`);
    }
    for (const f of batch.frames) {
      if (sock.ws.readyState !== sock.ws.OPEN) break;
      sock.ws.send(f, { binary: typeof f !== 'string' });
    }
    // Probe: a sync step 1 is answered with a step 2 by an open socket; a refused one closes.
    // Every step 1 the relay accepted is answered in order, so wait for one more answer than
    // the batch's own step 1s (classified with the relay's own decoder).
    const asked = batch.frames.filter(isStep1).length + 1;
    const before = sock.frames.length;
    if (sock.ws.readyState === sock.ws.OPEN) sock.ws.send(PROBE);
    const answers = () => sock.frames.slice(before).filter(isStep2).length;
    let closed = false;
    void sock.closed.then(() => (closed = true));
    const t1 = Date.now();
    const waitForClose = typeof batch.expect === 'number';
    while (!closed && (waitForClose || answers() < asked) && Date.now() - t1 < 20_000) await sleep(2);
    if (closed) {
      const { code, reason } = await sock.closed;
      count(String(code));
      // 1013 is never a refusal: updates sent out of order (valid ones too) wait for what they
      // build on, and a socket whose updates waited too long is told to reconnect and resend.
      const allowed = [1013, ...(batch.expect === 'open-or-refused' ? [4400, 4413, 4422] : typeof batch.expect === 'number' ? [batch.expect] : [])];
      if (!allowed.includes(code)) problems.push(`${batch.kind}: relay closed with ${code} (${reason}); allowed ${allowed.join('/') || 'none'}`);
      return;
    }
    if (waitForClose) problems.push(`${batch.kind}: socket still open after 20 s, expected close ${batch.expect}`);
    else if (answers() < asked) problems.push(`${batch.kind}: an open socket stopped answering (${answers()}/${asked} answers)`);
    count('ours');
    sock.ws.close(1000);
    await sock.closed;
  } catch (err) {
    problems.push(`${batch.kind}: ${err instanceof Error ? err.message : String(err)}`);
    sock.ws.terminate();
  }
}
