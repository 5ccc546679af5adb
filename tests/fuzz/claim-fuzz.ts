/**
 * Seeded fuzz of the fair claim rule (issue 26): replicas claiming, releasing, finishing and
 * reopening tasks with server-time stamps, on devices whose clocks are minutes apart but who
 * know their offset from the relay's clock to within a measured error, over a network that
 * delays, reorders, duplicates and (while a device is offline) holds back updates. Sometimes a
 * modified client back-dates a claim after seeing others (the relay refuses those; the model
 * must still never let one win).
 *
 * Checks, after every replica has everything:
 * - convergence: equal state vectors, equal claim views and histories on every replica;
 * - stamp order: of two valid entries (stamped no earlier than anything their author had seen)
 *   the one stamped earlier comes first in the fair order;
 * - no later claim beats an earlier one: a lost honest claim's winner was stamped no later;
 * - skew: a lost honest claim's winner was made, in true time, at most twice the offset error
 *   after it (a device's stamp is true time ± its error);
 * - causality: no claim ever beats one its author had already seen (back-dated or not).
 *
 * Everything random comes from one seeded PRNG: a seed replays exactly.
 */
import * as Y from 'yjs';
import * as model from '../../src/lib/shared/model/index';
import { parseTaskEvent } from '../../src/lib/shared/model/task-claims';
import { mulberry32 } from './model-fuzz';

/** Result of one seed. */
export interface ClaimFuzzResult {
  ok: boolean;
  reason: string;
  stats: { replicas: number; claims: number; lost: number; decidedByStamp: number; hostile: number; delivered: number };
}

const NET = Symbol('claim-fuzz-network');
const T0 = 1_700_000_000_000;
/** How far a device's estimate of the relay's clock may be off (half the best round trip). */
export const OFFSET_ERROR_MS = 300;

interface ClaimRecord {
  key: model.EntryKey;
  member: string;
  trueTime: number;
  hostile: boolean;
}

/** Run one seed. Never throws: an unexpected exception is a failure with its message. */
export function runClaimSeed(seed: number, options: { steps?: number } = {}): ClaimFuzzResult {
  const next = mulberry32(seed);
  const rng = {
    float: next,
    int: (k: number) => Math.floor(next() * k),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : list[Math.floor(next() * list.length)])
  };
  const n = 3 + rng.int(4);
  const steps = options.steps ?? 80 + rng.int(80);
  const stats = { replicas: n, claims: 0, lost: 0, decidedByStamp: 0, hostile: 0, delivered: 0 };
  const fail = (reason: string): ClaimFuzzResult => ({ ok: false, reason, stats });
  try {
    const members = Array.from({ length: n }, (_, i) => `m${i}`);
    const docs: Y.Doc[] = [];
    const used = new Set<number>();
    for (let i = 0; i < n; i++) {
      const doc = new Y.Doc({ gc: rng.chance(0.5) });
      let id = 1 + rng.int(0x7ffffffe);
      while (used.has(id)) id = 1 + rng.int(0x7ffffffe);
      used.add(id);
      doc.clientID = id;
      docs.push(doc);
    }
    // Each device's clock is minutes off; its measured offset corrects that to within the error.
    const skew = members.map(() => rng.int(10 * 60_000) - 5 * 60_000);
    const error = members.map(() => rng.int(2 * OFFSET_ERROR_MS + 1) - OFFSET_ERROR_MS);
    let now = T0;
    const deviceClock = (r: number) => now + skew[r];
    const serverEstimate = (r: number) => deviceClock(r) + (-skew[r] + error[r]);
    const actor = (r: number): model.Actor => ({ memberId: members[r], at: deviceClock(r), serverAt: serverEstimate(r) });

    // Network: updates wait in a queue; an offline device neither sends nor receives.
    let queue: { from: number; to: number; update: Uint8Array }[] = [];
    const offline = new Set<number>();
    docs.forEach((doc, from) => {
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === NET) return;
        for (let to = 0; to < n; to++) if (to !== from) queue.push({ from, to, update });
      });
    });
    const tick = (): void => {
      const p = 0.15 + rng.float() * 0.6;
      const keep: typeof queue = [];
      for (const m of queue) {
        if (offline.has(m.from) || offline.has(m.to) || !rng.chance(p)) keep.push(m);
        else {
          Y.applyUpdate(docs[m.to], m.update, NET);
          stats.delivered++;
          if (rng.chance(0.05)) keep.push(m); // delivered twice
        }
      }
      // Shuffle what is left: arrival order is not send order.
      for (let i = keep.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [keep[i], keep[j]] = [keep[j], keep[i]];
      }
      queue = keep;
      if (rng.chance(0.06)) offline.add(rng.int(n));
      if (offline.size > 0 && rng.chance(0.1)) offline.delete(rng.pick([...offline])!);
    };

    const taskIds = ['t0', 't1', 't2'];
    for (const id of taskIds) model.createTask(docs[0], { id, title: id, coLeadWanted: rng.chance(0.5) }, actor(0));
    const initial = Y.encodeStateAsUpdate(docs[0]);
    queue = [];
    for (let i = 1; i < n; i++) Y.applyUpdate(docs[i], initial, NET);

    const claims: ClaimRecord[] = [];
    const lastEntryKey = (doc: Y.Doc, id: string): model.EntryKey => {
      const nodes = model.readLogNodes(events(doc, id));
      return nodes[nodes.length - 1].key;
    };
    for (let step = 0; step < steps; step++) {
      now += rng.int(rng.chance(0.3) ? 3000 : 400);
      // Now and then a device measures its offset again (a new error within the bound).
      if (rng.chance(0.05)) error[rng.int(n)] = rng.int(2 * OFFSET_ERROR_MS + 1) - OFFSET_ERROR_MS;
      const r = rng.int(n);
      const id = rng.pick(taskIds)!;
      const doc = docs[r];
      const roll = rng.float();
      try {
        if (roll < 0.45) {
          const before = events(doc, id).length;
          model.claimTask(doc, id, actor(r));
          if (events(doc, id).length > before) {
            claims.push({ key: lastEntryKey(doc, id), member: members[r], trueTime: now, hostile: false });
            stats.claims++;
          }
        } else if (roll < 0.65) model.releaseTask(doc, id, actor(r));
        else if (roll < 0.72) model.markTaskDone(doc, id, actor(r));
        else if (roll < 0.78) model.reopenTask(doc, id, actor(r));
        else if (roll < 0.84) model.joinAsCoLead(doc, id, actor(r));
        else if (roll < 0.88) model.reassignTask(doc, id, rng.pick(members)!, actor(r));
        else if (roll < 0.92 && model.readTask(doc, id).value!.status === 'claimed') {
          // A modified client: a claim stamped up to an hour before everything it has seen.
          const seen = model.readLogNodes(events(doc, id)).map((x) => x.stamp ?? 0);
          const earliest = Math.min(...seen, now);
          events(doc, id).push([{ type: 'claim', member: members[r], at: deviceClock(r), serverAt: earliest - 1 - rng.int(3_600_000) }]);
          claims.push({ key: lastEntryKey(doc, id), member: members[r], trueTime: now, hostile: true });
          stats.hostile++;
        }
      } catch (e) {
        if (!(e instanceof model.ModelError)) throw e;
      }
      tick();
    }

    // Heal: everyone back online, everything delivered, then a full state exchange.
    offline.clear();
    for (const m of queue) Y.applyUpdate(docs[m.to], m.update, NET);
    queue = [];
    for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), NET);

    const sv = (d: Y.Doc) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(d)).entries()].sort((a, b) => a[0] - b[0]));
    for (let i = 1; i < n; i++) if (sv(docs[i]) !== sv(docs[0])) return fail(`state vectors differ between replica 0 and ${i}`);
    for (const id of taskIds) {
      const view0 = JSON.stringify(model.readTask(docs[0], id));
      for (let i = 1; i < n; i++) if (JSON.stringify(model.readTask(docs[i], id)) !== view0) return fail(`task ${id}: replica ${i} reads a different claim than replica 0`);

      const nodes = model.readLogNodes(events(docs[0], id));
      const seen = model.stampsSeenBefore(nodes);
      // Valid: stamped, and no earlier than anything its author had seen (what the relay admits).
      const valid = (x: model.LogNode): boolean => {
        const before = seen.get(x.key) ?? null;
        return x.stamp !== null && (before === null || x.stamp >= before);
      };
      const order = model.fairOrder(nodes);
      const position = new Map(order.map((x, i) => [x.key, i]));
      const validNodes = order.filter(valid);
      for (let i = 1; i < validNodes.length; i++) {
        if (validNodes[i].stamp! < validNodes[i - 1].stamp!) return fail(`task ${id}: valid entry stamped ${validNodes[i].stamp} ordered after one stamped ${validNodes[i - 1].stamp}`);
      }

      // Lost claims: who beat them, and whether that was fair.
      const saw = model.causalPasts(nodes);
      const byKey = new Map(nodes.map((x) => [x.key, x]));
      const history = model.readTask(docs[0], id).value!.history;
      const ordered = order.filter((x) => typeof parseTaskEvent(x.value) !== 'string');
      for (let h = 0; h < history.length; h++) {
        const entry = history[h];
        if (entry.event.type !== 'claim' || entry.effect !== 'lost' || !entry.winner) continue;
        stats.lost++;
        const lostNode = ordered[h];
        const winnerNode = ordered.find((x) => x.value !== undefined && JSON.stringify(parseTaskEvent(x.value)) === JSON.stringify(entry.winner));
        if (!lostNode || !winnerNode || !byKey.has(lostNode.key)) return fail(`task ${id}: cannot find the entries of a lost claim`);
        if (saw(winnerNode, lostNode)) return fail(`task ${id}: a claim beat ${lostNode.key}, which its author had already seen`);
        const lostClaim = claims.find((c) => c.key === lostNode.key);
        const winClaim = claims.find((c) => c.key === winnerNode.key);
        if (!lostClaim || !winClaim || lostClaim.hostile || winClaim.hostile || !valid(lostNode) || !valid(winnerNode)) continue;
        if ((position.get(winnerNode.key) ?? 0) > (position.get(lostNode.key) ?? 0)) return fail(`task ${id}: winner ordered after the claim it beat`);
        if (saw(lostNode, winnerNode)) continue; // made after seeing it: not a race
        stats.decidedByStamp++;
        if (winnerNode.stamp! > lostNode.stamp!) return fail(`task ${id}: a claim stamped ${winnerNode.stamp} beat one stamped ${lostNode.stamp}`);
        if (winClaim.trueTime > lostClaim.trueTime + 2 * OFFSET_ERROR_MS + nodes.length) {
          return fail(`task ${id}: a claim made ${winClaim.trueTime - lostClaim.trueTime} ms later (true time) beat an earlier one, beyond the offset error`);
        }
      }
    }
    return { ok: true, reason: 'ok', stats };
  } catch (e) {
    return fail(`exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

function events(doc: Y.Doc, id: string): Y.Array<unknown> {
  return (doc.getMap('blocks').get(id) as Y.Map<unknown>).get('events') as Y.Array<unknown>;
}
