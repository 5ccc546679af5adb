/**
 * Keystroke-to-remote-paint with 10 typists on one document: browser device A types, 9 Node
 * stock-client peers type ~5 characters/s each into their own lines, browser device B
 * (another member) times when each of A's characters is painted.
 *
 * Besides the total, every character is followed on the wire: A's keydown → A's websocket
 * send of the update carrying it → B's websocket receipt of the frame carrying it → the
 * frame B paints it in. Both pages run in the same chromium on one machine, so all stamps
 * are one clock (`performance.timeOrigin + performance.now()`).
 */
import type { Browser } from 'playwright-core';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { newDevice, type RunningServer } from '../../tests/e2e/harness.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { joinPage, quantile, r1, setUp } from './common.ts';
import { nodeTypist, publishDocument, typingTemplate, type NodeTypist } from './fixtures.ts';
import type { Tracer } from './trace.ts';
import { startCpuProfile } from './open.ts';

export interface TypingParams {
  keystrokes: number;
  nodeTypists: number;
  /** Blocks below the typists' lines (0: the lines only). */
  blocksBelow: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** In the receiving page: the wall-clock time at which each new character of `name`'s line is painted. */
const receiverScript = (name: string) => `(() => {
  const painted = (window.__painted = []);
  const find = () => [...document.querySelectorAll('.m-content p')].find((el) => (el.textContent || '').startsWith(${JSON.stringify(name + ': ')})) || null;
  let line = find();
  let seen = line ? line.textContent.length : 0;
  const check = () => {
    if (!line || !line.isConnected) line = find();
    const n = line ? line.textContent.length : 0;
    if (n <= seen) return;
    const t = performance.timeOrigin + performance.now();
    for (let i = seen; i < n; i++) painted.push(t);
    seen = n;
  };
  // rAF after the DOM changed: the frame that paints it.
  new MutationObserver(() => requestAnimationFrame(check)).observe(document.querySelector('.m-content'), { subtree: true, childList: true, characterData: true });
})();`;

/**
 * In the typing page: the time of each keydown of a character (capture phase, before the
 * editor sees it). Only characters: the End key pressed before typing is no keystroke to
 * time (counting it paired every painted character with the keydown before its own, i.e.
 * added the 150 ms between keystrokes to every figure before issue 25).
 */
const keyStampScript = `(() => {
  const keys = (window.__keys = []);
  document.addEventListener('keydown', (event) => { if (event.key.length === 1) keys.push(performance.timeOrigin + performance.now()); }, true);
})();`;

/**
 * Before the app's scripts: stamp every Yjs update frame (y-websocket: sync = 0, update = 2)
 * a page's websockets send or receive, with its bytes (base64), for matching in Node. The
 * receive stamp comes from a listener added in the constructor, so it runs before the
 * provider's own `onmessage`.
 */
const wireScript = `(() => {
  const wire = (window.__wire = { sent: [], received: [] });
  const b64 = (u8) => { let s = ''; for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]); return btoa(s); };
  const isUpdate = (u8) => u8.length > 2 && u8[0] === 0 && u8[1] === 2;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const u8 = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (u8 && isUpdate(u8) && wire.on) wire.sent.push([performance.timeOrigin + performance.now(), b64(u8)]);
    return send.call(this, data);
  };
  const Native = WebSocket;
  class Stamped extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!wire.on || !(event.data instanceof ArrayBuffer)) return;
        const u8 = new Uint8Array(event.data);
        if (isUpdate(u8)) wire.received.push([performance.timeOrigin + performance.now(), b64(u8)]);
      });
    }
  }
  window.WebSocket = Stamped;
})();`;

/** The (client, clock) ranges a y-websocket update frame carries. */
function rangesOf(b64: string): Array<{ client: number; clock: number; length: number }> {
  const d = decoding.createDecoder(Buffer.from(b64, 'base64'));
  decoding.readVarUint(d); // sync
  decoding.readVarUint(d); // update
  const update = decoding.readVarUint8Array(d);
  return Y.decodeUpdate(update).structs.map((s) => ({ client: s.id.client, clock: s.id.clock, length: s.length }));
}

/** Time of the first frame in `frames` that carries (client, clock). */
function firstCarrying(frames: Array<[number, string]>, client: number, clock: number, cache: Map<string, ReturnType<typeof rangesOf>>): number | null {
  for (const [t, b64] of frames) {
    let ranges = cache.get(b64);
    if (!ranges) cache.set(b64, (ranges = rangesOf(b64)));
    if (ranges.some((r) => r.client === client && clock >= r.clock && clock < r.clock + r.length)) return t;
  }
  return null;
}

export async function typingScenario(browser: Browser, server: RunningServer, p: TypingParams, trace: Tracer, log: (l: string) => void): Promise<ScenarioResult> {
  const typists: NodeTypist[] = [];
  const ctxA = await newDevice(browser);
  const ctxB = await newDevice(browser);
  try {
    const { node, invite } = await setUp(server);
    for (const ctx of [ctxA, ctxB]) await ctx.addInitScript({ content: wireScript });
    const a = await joinPage(ctxA, invite, 'Ana');
    const b = await joinPage(ctxB, invite, 'Ben');
    const names = ['Ana', ...Array.from({ length: p.nodeTypists }, (_, i) => `Peer${i + 1}`)];
    const docId = `typing-doc-${p.blocksBelow}`;
    await publishDocument(node, docId, 'Meeting notes', typingTemplate(names, p.blocksBelow, { memberId: node.memberId }));
    const url = `${server.url}/w/${node.workspaceId}/d/${docId}`;
    for (const pg of [a, b]) {
      await pg.goto(url);
      await pg.locator('.m-content p', { hasText: `${names[names.length - 1]}: ` }).waitFor({ timeout: 120_000 });
    }
    for (const n of names.slice(1)) typists.push(await nodeTypist(node, docId, n));
    await b.evaluate(receiverScript('Ana'));
    await a.evaluate(keyStampScript);
    const line = a.locator('.m-content p', { hasText: 'Ana: ' });
    await line.click();
    await a.keyboard.press('End');
    // The 9 Node peers type ~5 characters per second each, out of step with each other.
    const timers = typists.map((t, i) => {
      let timer: ReturnType<typeof setInterval> | null = null;
      const start = setTimeout(() => (timer = setInterval(() => t.typeOne(), 200)), i * 20);
      return () => (clearTimeout(start), timer && clearInterval(timer));
    });
    log(`client: typing, ${p.keystrokes} keystrokes with ${typists.length + 1} typists`);
    await sleep(1000);
    for (const pg of [a, b]) await pg.evaluate('window.__wire.on = true');
    const watcher = typists[0]!;
    watcher.watching = true;
    const profiler = await startCpuProfile(b, `typing-receiver-${p.blocksBelow}`);
    await trace.around(browser, b, `typing-receiver-${p.blocksBelow}-blocks`, async () => {
      for (let i = 0; i < p.keystrokes; i++) {
        await a.keyboard.press('abcdefghijklmnopqrstuvwxyz'[i % 26]);
        await sleep(150);
      }
      await b.waitForFunction((n) => (window as unknown as { __painted: number[] }).__painted.length >= n, p.keystrokes, { timeout: 60_000, polling: 100 }).catch(() => {});
    });
    await profiler?.stop();
    for (const stop of timers) stop();
    const keys = (await a.evaluate('window.__keys')) as number[];
    const painted = (await b.evaluate('window.__painted')) as number[];
    const sentA = ((await a.evaluate('window.__wire')) as { sent: Array<[number, string]> }).sent;
    const receivedB = ((await b.evaluate('window.__wire')) as { received: Array<[number, string]> }).received;

    // A's updates in order: one per keystroke (Lexical writes each typed character as it happens).
    const cache = new Map<string, ReturnType<typeof rangesOf>>();
    const peerClients = new Set(typists.map((t) => t.clientId));
    const aUpdates = sentA
      .map(([t, b64]) => ({ t, ranges: rangesOf(b64).filter((r) => !peerClients.has(r.client)) }))
      .filter((u) => u.ranges.length > 0);
    const n = Math.min(keys.length, painted.length);
    const total: number[] = [];
    const toSend: number[] = [];
    const onWire: number[] = [];
    const toPeer: number[] = [];
    const peerToReceiver: number[] = [];
    const toPaint: number[] = [];
    for (let i = 0; i < n; i++) {
      total.push(Math.max(0, painted[i]! - keys[i]!));
      const u = aUpdates[i];
      if (!u) continue;
      const { client, clock } = u.ranges[u.ranges.length - 1]!;
      const got = firstCarrying(receivedB, client, clock, cache);
      if (got === null) continue;
      toSend.push(u.t - keys[i]!);
      onWire.push(got - u.t);
      toPaint.push(painted[i]! - got);
      // The same frame reaching a Node peer: the relay alone, without the receiving page's wait.
      const atPeer = firstCarrying(watcher.received, client, clock, cache);
      if (atPeer === null) continue;
      toPeer.push(atPeer - u.t);
      peerToReceiver.push(got - atPeer);
    }
    const stats = (xs: number[], prefix: string) => ({ [`${prefix}P50Ms`]: r1(quantile(xs, 0.5)), [`${prefix}P95Ms`]: r1(quantile(xs, 0.95)) });
    return {
      name: 'client',
      system: 'mutual',
      params: { case: 'keystroke-to-remote-paint', blocksBelow: p.blocksBelow, typists: typists.length + 1, browserPages: 2, nodePeers: typists.length, keystrokes: p.keystrokes, peerCharsPerS: 5 },
      metrics: {
        received: n,
        p50Ms: r1(quantile(total, 0.5)),
        p95Ms: r1(quantile(total, 0.95)),
        p99Ms: r1(quantile(total, 0.99)),
        maxMs: r1(total.length ? Math.max(...total) : null),
        // Where the time goes: keydown → A sends; A sends → B receives (relay); B receives → painted.
        ...stats(toSend, 'keyToSend'),
        ...stats(onWire, 'relay'),
        ...stats(toPaint, 'receiveToPaint'),
        // The "relay" leg split: A sends → a Node peer has it (relay and loopback), and how much
        // later the receiving page's socket handler ran (its main thread busy with other work).
        ...stats(toPeer, 'sendToNodePeer'),
        ...stats(peerToReceiver, 'nodePeerToReceiver'),
        traced: toPaint.length
      }
    };
  } finally {
    for (const t of typists) t.destroy();
    await ctxA.close();
    await ctxB.close();
  }
}
