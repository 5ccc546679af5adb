/**
 * Chaos convergence engine. A scenario (one seed) puts several real clients — stock
 * y-websocket providers and Mutual's own local-first client — on one document served by
 * the real relay in a child process, then runs a seeded sequence of actions:
 * text edits (Y.Text and the editor's Y.XmlText with formatting), block operations through
 * the model (ballots on a proposal, claims on tasks), presence, client disconnects,
 * network partitions (TCP cut, reconnects refused), app restarts from the device store,
 * and `kill -9` of the relay followed by a restart. Then it heals everything and checks:
 * every client and a fresh client hold identical documents, and every edit any client
 * made is there (each text insert is a unique token; each ballot and claim is tracked).
 *
 * The action sequence is a pure function of the seed; network timing is not, so a replay
 * runs the same actions under similar (not identical) interleavings.
 */
import * as Y from 'yjs';
import * as model from '../../src/lib/shared/model/index.ts';
import { api, createWorkspace, inviteSecret } from '../helpers/server.ts';
import { appClient, stockClient, type ChaosClient } from './chaos-clients.ts';
import { FlakyLink, type RelayProcess } from './net.ts';

/** mulberry32: small, fast, seedable. */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(next() * xs.length)] : undefined)
  };
}

/** Settings of one scenario. */
export interface ScenarioOptions {
  /** Clients on the document (half stock, half app). Default 4. */
  clients?: number;
  /** Actions. Default 160. */
  steps?: number;
  /** `kill -9` + restart of the relay per scenario. Default 1. */
  relayKills?: number;
  /** How long the healed system may take to converge. Default 30 s. */
  convergeTimeoutMs?: number;
}

/** What one scenario found. */
export interface ScenarioResult {
  seed: number;
  converged: boolean;
  /** Edits some client made that the final document lacks. */
  lost: number;
  /** Why it failed, in words (empty when it passed). */
  problems: string[];
  stats: { actions: number; tokens: number; ballots: number; claims: number; partitions: number; restarts: number; kills: number; ms: number };
}

const TOKEN = /\[[tx]\d+\.\d+\]/g;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The editor's root text as a plain string (formatting dropped). */
function xmlString(doc: Y.Doc): string {
  return (model.getRoot(doc).toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
}

/** Everything that must match between replicas, as one string. */
export function fingerprint(doc: Y.Doc): string {
  const sv = [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]);
  return model.canonicalJson({
    sv,
    pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
    text: doc.getText('chaos').toString(),
    xml: model.getRoot(doc).toDelta(),
    blocks: model.getBlocks(doc).toJSON()
  });
}

/** Boundaries between tokens in `s` (0, every token end, and s.length). */
function boundaries(s: string): number[] {
  const out = [0];
  for (const m of s.matchAll(TOKEN)) out.push(m.index! + m[0].length);
  return out;
}

/** Run one scenario against `relay`. Never throws for a chaos finding: see `problems`. */
export async function runScenario(relay: RelayProcess, seed: number, opts: ScenarioOptions = {}): Promise<ScenarioResult> {
  const started = Date.now();
  const rng = prng(seed);
  const nClients = opts.clients ?? 4;
  const steps = opts.steps ?? 160;
  const problems: string[] = [];
  const stats = { actions: 0, tokens: 0, ballots: 0, claims: 0, partitions: 0, restarts: 0, kills: 0, ms: 0 };
  const docId = `chaos-${seed}`;

  // Members: the admin plus editors joined through the invite, one per client.
  const ws = await createWorkspace(relay.httpUrl, `Chaos ${seed}`);
  const members = [ws.admin, ws.editor];
  while (members.length < nClients) {
    const r = await api(relay.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: `Member ${members.length}` } });
    members.push({ memberId: r.body.memberId, token: r.body.token });
  }

  const links: FlakyLink[] = [];
  const clients: ChaosClient[] = [];
  for (let i = 0; i < nClients; i++) {
    const link = new FlakyLink(relay.port, rng.chance(0.5) ? 0 : 1 + rng.int(15));
    await link.listen();
    links.push(link);
    const target = { syncUrl: `ws://127.0.0.1:${link.port}/sync`, workspaceId: ws.workspaceId, docId, token: members[i].token, memberId: members[i].memberId };
    clients.push(i % 2 === 0 ? stockClient(`stock${i}`, target) : await appClient(`app${i}`, target));
  }

  // What every client did, to check it survived.
  const inserted = new Set<string>();
  const deleted = new Set<string>();
  const ownTokens = clients.map(() => [] as string[]);
  const lastBallot = new Map<string, string>(); // memberId → canonical stored ballot
  const claimEvents: string[] = []; // `${member}@${at}:${type}`
  let counter = 0;
  let clock = 1_700_000_000_000;
  const actor = (c: ChaosClient) => ({ memberId: c.memberId, at: ++clock });
  const proposalId = `p${seed}`;
  const taskIds = [`t${seed}a`, `t${seed}b`];

  const ops: [number, (c: ChaosClient, i: number) => Promise<void> | void][] = [
    [30, (c, i) => {
      const xml = rng.chance(0.5);
      const token = `[${xml ? 'x' : 't'}${i}.${++counter}]`;
      const current = xml ? xmlString(c.doc) : c.doc.getText('chaos').toString();
      const at = rng.pick(boundaries(current))!;
      if (xml) model.getRoot(c.doc).insert(at, token, rng.chance(0.3) ? { bold: true } : {});
      else c.doc.getText('chaos').insert(at, token);
      inserted.add(token);
      ownTokens[i].push(token);
      stats.tokens++;
    }],
    [5, (c, i) => {
      // Delete one of this client's own tokens (so "deleted" is unambiguous).
      const token = rng.pick(ownTokens[i].filter((t) => !deleted.has(t)));
      if (!token) return;
      const xml = token[1] === 'x';
      const at = (xml ? xmlString(c.doc) : c.doc.getText('chaos').toString()).indexOf(token);
      if (at < 0) return;
      (xml ? model.getRoot(c.doc) : c.doc.getText('chaos')).delete(at, token.length);
      deleted.add(token);
    }],
    [4, (c) => {
      const root = model.getRoot(c.doc);
      if (root.length < 2) return;
      const from = rng.int(root.length - 1);
      root.format(from, 1 + rng.int(Math.min(20, root.length - from)), { italic: rng.chance(0.7) ? true : null });
    }],
    [6, (c) => {
      if (!model.getBlocks(c.doc).has(proposalId)) return;
      const choice = rng.pick(['yes', 'no', 'abstain'])!;
      try {
        model.castBallot(c.doc, proposalId, { choice }, actor(c));
      } catch (err) {
        if (model.isModelError(err)) return; // not open here yet: a refusal, not an edit
        throw err;
      }
      const stored = model.readProposal(c.doc, proposalId).value?.ballots.get(c.memberId);
      lastBallot.set(c.memberId, model.canonicalJson(stored));
      stats.ballots++;
    }],
    [6, (c) => {
      const id = rng.pick(taskIds)!;
      const task = model.readTask(c.doc, id).value;
      if (!task) return;
      const a = actor(c);
      try {
        if (task.claimant === c.memberId) model.releaseTask(c.doc, id, a);
        else model.claimTask(c.doc, id, a);
      } catch (err) {
        if (model.isModelError(err)) return;
        throw err;
      }
      claimEvents.push(`${id}/${c.memberId}@${a.at}`);
      stats.claims++;
    }],
    [4, (c) => c.setPresence('cursor', { at: rng.int(100), name: c.name })],
    [3, (c) => (c.wantsOnline ? c.disconnect() : c.connect())],
    [2, () => {
      // Partition a random subset of the network; heal the rest.
      for (const link of links) {
        if (rng.chance(0.4)) {
          if (!link.partitioned) stats.partitions++;
          link.partition();
        } else link.heal();
      }
    }],
    [2, (_c, i) => links[i].cut()],
    [1.5, async (c) => {
      if (c.kind !== 'app') return;
      stats.restarts++;
      await c.restart();
    }],
    [3, () => sleep(20 + rng.int(60))]
  ];
  const total = ops.reduce((s, [w]) => s + w, 0);
  const kills = opts.relayKills ?? 1;
  const killAt = new Set(Array.from({ length: kills }, () => 10 + rng.int(Math.max(1, steps - 20))));

  try {
    // The first client creates the blocks (one side seeds, as the app does).
    const c0 = clients[0];
    model.createProposal(c0.doc, { id: proposalId, title: 'Buy a freezer', method: 'majority' }, actor(c0));
    model.openProposal(c0.doc, proposalId, { deadline: null }, actor(c0));
    for (const id of taskIds) model.createTask(c0.doc, { id, title: `Task ${id}` }, actor(c0));

    for (let step = 0; step < steps; step++) {
      if (killAt.has(step)) {
        const failures = relay.integrityFailures.length;
        await relay.kill9();
        if (relay.integrityFailures.length > failures) problems.push(`integrity check after kill -9: ${relay.integrityFailures.at(-1)}`);
        stats.kills++;
        // Clients keep editing while it is down; it comes back a few actions later.
        const downFor = 3 + rng.int(10);
        killAt.add(-(step + downFor));
      }
      if (killAt.has(-step) && !relay.up) await relay.restart();
      const i = rng.int(clients.length);
      let r = rng.next() * total;
      const op = ops.find(([w]) => (r -= w) < 0) ?? ops[0];
      await op[1](clients[i], i);
      stats.actions++;
      await sleep(rng.int(6));
    }

    // Heal: relay up, network whole, everyone online.
    if (!relay.up) await relay.restart();
    for (const link of links) link.heal();
    for (const c of clients) if (!c.wantsOnline) c.connect();

    const deadline = Date.now() + (opts.convergeTimeoutMs ?? 30_000);
    let prints: string[] = [];
    while (Date.now() < deadline) {
      prints = clients.map((c) => fingerprint(c.doc));
      if (prints.every((p) => p === prints[0])) break;
      await sleep(50);
    }
    if (!prints.every((p) => p === prints[0])) problems.push(`clients did not converge within ${opts.convergeTimeoutMs ?? 30_000} ms (${new Set(prints).size} distinct states)`);
    for (const c of clients) if (c.refusals.length) problems.push(`${c.name} was refused: ${c.refusals.join(', ')}`);

    // A fresh client straight to the relay (no proxy) must see the same document.
    const fresh = stockClient('fresh', { syncUrl: `ws://127.0.0.1:${relay.port}/sync`, workspaceId: ws.workspaceId, docId, token: ws.admin.token, memberId: ws.admin.memberId });
    try {
      const freshDeadline = Date.now() + 10_000;
      while (Date.now() < freshDeadline && fingerprint(fresh.doc) !== prints[0]) await sleep(50);
      if (fingerprint(fresh.doc) !== prints[0]) problems.push('a fresh client does not hold the same document as the others');
      // Every edit present: tokens, last ballots, claim events.
      const doc = fresh.doc;
      const seen = new Set([...doc.getText('chaos').toString().matchAll(TOKEN), ...xmlString(doc).matchAll(TOKEN)].map((m) => m[0]));
      const rest = (doc.getText('chaos').toString() + xmlString(doc)).replace(TOKEN, '');
      if (rest) problems.push(`text holds something other than whole tokens: ${JSON.stringify(rest.slice(0, 80))}`);
      let lost = 0;
      for (const t of inserted) if (!deleted.has(t) && !seen.has(t)) lost++;
      const resurrected = [...deleted].filter((t) => seen.has(t));
      if (resurrected.length) problems.push(`deleted text came back: ${resurrected.slice(0, 5).join(' ')}`);
      const ballots = model.readProposal(doc, proposalId).value?.ballots;
      for (const [member, json] of lastBallot) if (model.canonicalJson(ballots?.get(member)) !== json) lost++;
      const events = new Set(taskIds.flatMap((id) => (model.claimHistory(doc, id).value ?? []).map((h) => `${id}/${'member' in h.event ? h.event.member : ''}@${h.event.at}`)));
      for (const e of claimEvents) if (!events.has(e)) lost++;
      if (lost) problems.push(`${lost} edits lost`);
      stats.ms = Date.now() - started;
      return { seed, converged: problems.length === 0, lost, problems, stats };
    } finally {
      await fresh.destroy();
    }
  } catch (err) {
    problems.push(`scenario crashed: ${err instanceof Error ? err.stack : String(err)}`);
    stats.ms = Date.now() - started;
    return { seed, converged: false, lost: 0, problems, stats };
  } finally {
    for (const c of clients) await c.destroy().catch(() => {});
    for (const link of links) await link.close();
  }
}

/** Run seeds `from`, `from+1`, … and report each through `onResult`. */
export async function runChaos(
  relay: RelayProcess,
  { scenarios, from, ...opts }: ScenarioOptions & { scenarios: number; from: number },
  onResult: (r: ScenarioResult) => void = () => {}
): Promise<{ converged: number; total: number; lost: number; results: ScenarioResult[] }> {
  const results: ScenarioResult[] = [];
  for (let k = 0; k < scenarios; k++) {
    const r = await runScenario(relay, from + k, opts);
    results.push(r);
    onResult(r);
    if (!relay.up) await relay.restart();
  }
  return { converged: results.filter((r) => r.converged).length, total: scenarios, lost: results.reduce((s, r) => s + r.lost, 0), results };
}

/** The summary line the CLI prints (and docs quote). */
export function summaryLine(s: { converged: number; total: number; lost: number }): string {
  return `chaos: ${s.converged}/${s.total} scenarios converged, ${s.lost} edits lost`;
}
