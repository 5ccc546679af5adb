/**
 * Seeded convergence fuzz of the document model.
 *
 * 3–6 replicas (plain Y.Docs, one member each) apply random model operations —
 * ballots, withdrawals, opens, closes, reopens, claims, releases, reassigns,
 * co-leads, needs and matches, agenda items and facilitation, text edits on the
 * editor root (which delete block nodes too), block nodes taken out of the text and
 * put back (undo, redo) or never placed (a rejected insertion) — while their updates travel through a simulated network that
 * reorders, duplicates, delays and (during partitions) drops them. Dropped
 * updates are repaired on heal by a state-vector sync, as y-websocket's sync
 * step 1/2 does on reconnect. At the end every replica must hold identical
 * state and identical derived views, and every member's latest ballot must be
 * the one in the document.
 *
 * Everything random comes from one seeded PRNG (mulberry32): a seed replays
 * exactly, including Yjs client ids.
 */
import * as Y from 'yjs';
import * as model from '../../src/lib/shared/model/index';
import type { Actor, MethodId, StoredBallot } from '../../src/lib/shared/model/index';
import { placeAllInText, placeInText } from '../../src/lib/shared/model/test-support';

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T | undefined {
    return list.length === 0 ? undefined : list[this.int(list.length)];
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }
}

/** Result of one seed. */
export interface FuzzResult {
  ok: boolean;
  reason: string;
  stats: { replicas: number; ops: number; applied: number; refused: number; delivered: number; dropped: number };
}

const NET = Symbol('fuzz-network');
const T0 = 1_700_000_000_000;
const METHODS: MethodId[] = ['consent', 'consensus', 'majority', 'score', 'ranked-choice'];

interface Message {
  from: number;
  to: number;
  update: Uint8Array;
}

/** JSON with sorted keys; Maps as sorted entries (ProposalView.ballots is a Map). */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return [...v.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k];
      return out;
    }
    return v;
  });
}

/** Everything stored, read back through a fresh doc loaded from the replica's full update. */
function stateJson(doc: Y.Doc): string {
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
  const root = model.getRoot(fresh);
  return stable({
    blocks: model.getBlocks(fresh).toJSON(),
    meta: model.getMeta(fresh).toJSON(),
    root: root.toDelta()
  });
}

function stateVector(doc: Y.Doc): string {
  return stable([...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()].sort((a, b) => a[0] - b[0]));
}

/** Every derived view the UI would show, for comparison across replicas. */
function viewsJson(doc: Y.Doc, members: readonly string[], now: number): string {
  const docs = [{ docId: 'doc', doc }];
  const ids = model.listBlockIds(doc);
  const byType = (t: model.BlockType) => model.listBlockIds(doc, t).value;
  return stable({
    ids,
    anchored: [...model.anchoredBlockIds(doc)].sort(),
    meta: model.readMeta(doc),
    tallies: byType('proposal').map((id) => model.tallyProposal(doc, id, { memberCount: members.length })),
    tasks: byType('task').map((id) => [model.currentClaim(doc, id), model.claimHistory(doc, id)]),
    needs: model.needsByStatus(doc),
    agenda: model.agendaOrder(doc),
    facilitation: model.facilitationState(doc, now),
    // Block contents are compared above; here, which blocks each list holds and in what order.
    work: members.map((m) => {
      const w = model.memberOpenWork(docs, m, { now });
      const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);
      return [ids(w.value.tasks), ids(w.value.coLeading), ids(w.value.proposalsAwaitingBallot), ids(w.value.agendaItems), w.issues];
    }),
    open: model.openTasks(docs).value.map((t) => t.id),
    load: model.workload(docs, members, 3),
    due: model.proposalsDueToClose(doc, now)
  });
}

/** Run one seed. Never throws: an unexpected exception is a failure with its message. */
export function runSeed(seed: number, options: { steps?: number } = {}): FuzzResult {
  const rng = new Rng(seed);
  const n = 3 + rng.int(4);
  const steps = options.steps ?? 60 + rng.int(60);
  const stats = { replicas: n, ops: 0, applied: 0, refused: 0, delivered: 0, dropped: 0 };
  try {
    return run(seed, rng, n, steps, stats);
  } catch (e) {
    return { ok: false, reason: `exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, stats };
  }
}

function run(seed: number, rng: Rng, n: number, steps: number, stats: FuzzResult['stats']): FuzzResult {
  const members = Array.from({ length: n }, (_, i) => `m${i}`);
  const docs: Y.Doc[] = [];
  const usedIds = new Set<number>();
  for (let i = 0; i < n; i++) {
    const doc = new Y.Doc({ gc: rng.chance(0.5) });
    let id = 1 + rng.int(0x7ffffffe);
    while (usedIds.has(id)) id = 1 + rng.int(0x7ffffffe);
    usedIds.add(id);
    doc.clientID = id; // before any change: seeds replay with the same concurrent-insert order
    docs.push(doc);
  }
  const skew = members.map(() => rng.int(10_000) - 5000);
  let step = 0;
  const actor = (r: number): Actor => ({ memberId: members[r], at: T0 + step * 1000 + skew[r] });
  let blockCounter = 0;
  const newId = (): string => `b${seed.toString(36)}x${(blockCounter++).toString(36)}`;

  // Network: every local update is addressed to every other replica.
  let queue: Message[] = [];
  let partition: Set<number> | null = null;
  const needsRepair = new Set<string>();
  docs.forEach((doc, from) => {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === NET) return;
      for (let to = 0; to < n; to++) if (to !== from) queue.push({ from, to, update });
    });
  });
  const split = (m: Message): boolean => partition !== null && partition.has(m.from) !== partition.has(m.to);
  const deliver = (m: Message): void => {
    Y.applyUpdate(docs[m.to], m.update, NET);
    stats.delivered++;
  };
  const repair = (a: number, b: number): void => {
    // y-websocket sync step 1/2 in both directions.
    Y.applyUpdate(docs[b], Y.encodeStateAsUpdate(docs[a], Y.encodeStateVector(docs[b])), NET);
    Y.applyUpdate(docs[a], Y.encodeStateAsUpdate(docs[b], Y.encodeStateVector(docs[a])), NET);
  };
  const networkTick = (): void => {
    // Each queued message arrives this tick with probability `p` (a geometric delay),
    // in shuffled order; some arrive and stay queued (duplicates); across a partition
    // they wait, and some are lost (repaired by a state-vector sync on heal).
    const p = 0.2 + rng.float() * 0.5;
    const keep: Message[] = [];
    for (const m of rng.shuffle(queue)) {
      if (split(m)) {
        if (rng.chance(0.15)) {
          needsRepair.add(`${m.from}:${m.to}`);
          stats.dropped++;
        } else keep.push(m);
      } else if (rng.chance(p)) {
        deliver(m);
        if (rng.chance(0.05)) keep.push(m);
      } else keep.push(m);
    }
    queue = keep;
    if (partition === null && rng.chance(0.04)) {
      partition = new Set(members.map((_, i) => i).filter(() => rng.chance(0.5)));
    } else if (partition !== null && rng.chance(0.08)) {
      partition = null;
      for (const key of needsRepair) {
        const [a, b] = key.split(':').map(Number);
        repair(a, b);
      }
      needsRepair.clear();
    }
  };

  // The creator seeds the document before sharing it.
  const creator = actor(0);
  model.initDocument(docs[0], { kind: 'agenda', title: `Fuzz ${seed}` }, creator);
  model.getRoot(docs[0]).insert(0, 'Agenda for the meeting. ');
  const opts = (k: number) => Array.from({ length: k }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
  for (const method of METHODS) {
    const usesOptions = method === 'score' || method === 'ranked-choice';
    const quorum = rng.chance(0.3) ? { type: 'count' as const, count: 1 + rng.int(n) } : rng.chance(0.3) ? { type: 'share' as const, share: 0.5 } : null;
    const id = model.createProposal(docs[0], { id: newId(), title: method, method, options: usesOptions ? opts(2 + rng.int(3)) : [], quorum, standAsideLimit: method === 'consensus' && rng.chance(0.5) ? 1 : null }, creator);
    if (rng.chance(0.8)) model.openProposal(docs[0], id, { deadline: rng.chance(0.5) ? T0 + (20 + rng.int(80)) * 1000 : null }, creator);
  }
  for (let i = 0; i < 3; i++) model.createTask(docs[0], { id: newId(), title: `Task ${i}`, coLeadWanted: rng.chance(0.5) }, creator);
  for (const kind of ['ask', 'ask', 'offer', 'offer'] as const) model.createNeed(docs[0], { id: newId(), kind, title: kind, category: 'food' }, creator);
  for (let i = 0; i < 2; i++) model.createAgendaItem(docs[0], { id: newId(), title: `Item ${i}`, kind: rng.pick(model.AgendaItemKinds) }, creator);
  // The editor puts every new block's node into the text.
  placeAllInText(docs[0]);
  // Shared as one update (as the creator's first sync would send it), not transaction by transaction.
  queue = [];
  const initial = Y.encodeStateAsUpdate(docs[0]);
  for (let i = 1; i < n; i++) Y.applyUpdate(docs[i], initial, NET);

  // Per member: every ballot they cast (by proposal) and their latest (null = withdrawn).
  const cast = new Map<string, string[]>();
  const latest = new Map<string, string | null>();
  const key = (member: string, proposal: string) => `${member}\u0000${proposal}`;

  const ops: Array<[number, (r: number) => void]> = [
    [6, (r) => ballot(r)],
    [1, (r) => withProposal(r, (doc, id) => model.withdrawBallot(doc, id, actor(r)), () => latest.set(key(members[r], lastProposal), null))],
    [1, (r) => withProposal(r, (doc, id) => model.openProposal(doc, id, { deadline: rng.chance(0.5) ? T0 + (step + 5 + rng.int(40)) * 1000 : null }, actor(r)))],
    [2, (r) => withProposal(r, (doc, id) => model.closeProposal(doc, id, { memberCount: n, statement: rng.chance(0.5) ? `closed by ${members[r]}` : undefined }, actor(r)))],
    [0.5, (r) => withProposal(r, (doc, id) => model.reopenProposal(doc, id, { reason: 'new facts' }, actor(r)))],
    [0.5, (r) => withProposal(r, (doc, id) => model.extendDeadline(doc, id, { deadline: T0 + (step + 30) * 1000, reason: 'more time' }, actor(r)))],
    [5, (r) => withBlock(r, 'task', (doc, id) => model.claimTask(doc, id, actor(r)))],
    [2, (r) => withBlock(r, 'task', (doc, id) => model.releaseTask(doc, id, actor(r), 'busy'))],
    [1, (r) => withBlock(r, 'task', (doc, id) => model.reassignTask(doc, id, rng.pick(members)!, actor(r)))],
    [1, (r) => withBlock(r, 'task', (doc, id) => model.markTaskDone(doc, id, actor(r)))],
    [0.5, (r) => withBlock(r, 'task', (doc, id) => model.reopenTask(doc, id, actor(r)))],
    [1, (r) => withBlock(r, 'task', (doc, id) => model.joinAsCoLead(doc, id, actor(r)))],
    [0.5, (r) => withBlock(r, 'task', (doc, id) => model.leaveCoLead(doc, id, actor(r)))],
    [0.5, (r) => model.releaseTasks(docs[r], model.listBlockIds(docs[r], 'task').value, actor(r), 'scaling back')],
    [0.7, (r) => placed(r, model.createTask(docs[r], { id: newId(), title: 'New task', due: rng.chance(0.5) ? `2025-0${1 + rng.int(9)}-1${rng.int(10)}` : null }, actor(r)))],
    [0.5, (r) => withBlock(r, 'task', (doc, id) => model.updateTask(doc, id, { title: `Renamed by ${members[r]}` }, actor(r)))],
    [2, (r) => withBlock(r, 'need', (doc, id) => model.matchNeed(doc, id, rng.chance(0.7) ? { entry: rng.pick(model.listBlockIds(doc, 'need').value)! } : { member: rng.pick(members)! }, actor(r)))],
    [0.7, (r) => withBlock(r, 'need', (doc, id) => model.unmatchNeed(doc, id, actor(r)))],
    [0.7, (r) => withBlock(r, 'need', (doc, id) => model.fulfilNeed(doc, id, actor(r)))],
    [0.5, (r) => withBlock(r, 'need', (doc, id) => model.withdrawNeed(doc, id, actor(r)))],
    [0.3, (r) => withBlock(r, 'need', (doc, id) => model.reopenNeed(doc, id, actor(r)))],
    [0.4, (r) => placed(r, model.createNeed(docs[r], { id: newId(), kind: rng.chance(0.5) ? 'ask' : 'offer', title: 'entry', category: 'transport' }, actor(r)))],
    [0.5, (r) => placed(r, model.createAgendaItem(docs[r], { id: newId(), title: 'Added', kind: rng.pick(model.AgendaItemKinds) }, actor(r)))],
    [1, (r) => withBlock(r, 'agenda-item', (doc, id) => model.setAgendaItemStatus(doc, id, rng.pick(model.AgendaItemStatuses)!, actor(r)))],
    [0.5, (r) => withBlock(r, 'agenda-item', (doc, id) => model.updateAgendaItem(doc, id, { position: rng.int(5), outcome: `noted by ${members[r]}` }, actor(r)))],
    [0.7, (r) => withBlock(r, 'agenda-item', (doc, id) => model.startAgendaItem(doc, id, actor(r)))],
    [0.3, (r) => model.nextAgendaItem(docs[r], actor(r))],
    [0.4, (r) => withBlock(r, 'agenda-item', (doc, id) => model.linkTask(doc, id, rng.pick(model.listBlockIds(doc, 'task').value)!, actor(r)))],
    [0.3, (r) => withBlock(r, rng.pick(['task', 'proposal', 'need', 'agenda-item'] as const)!, (doc, id) => placed(r, model.insertBlockCopy(doc, model.cloneBlockState(doc, id)!, actor(r), newId())))],
    [4, (r) => textEdit(r)],
    // Undo of an insertion takes a node out of the text; redo puts one back.
    [0.7, (r) => removeNode(r)],
    [0.5, (r) => withBlock(r, rng.pick(['task', 'proposal', 'agenda-item'] as const)!, (doc, id) => placeInText(doc, id))]
  ];
  const totalWeight = ops.reduce((s, [w]) => s + w, 0);

  let lastProposal = '';
  function withProposal(r: number, fn: (doc: Y.Doc, id: string) => void, after?: () => void): void {
    const id = rng.pick(model.listBlockIds(docs[r], 'proposal').value);
    if (id === undefined) return;
    lastProposal = id;
    fn(docs[r], id);
    after?.();
  }
  function withBlock(r: number, type: model.BlockType, fn: (doc: Y.Doc, id: string) => unknown): void {
    const id = rng.pick(model.listBlockIds(docs[r], type).value);
    if (id !== undefined) fn(docs[r], id);
  }
  function ballot(r: number): void {
    withProposal(r, (doc, id) => {
      const view = model.readProposal(doc, id).value!;
      const optionIds = view.options.map((o) => o.id);
      let input: model.BallotInput;
      if (view.method === 'score') input = { scores: Object.fromEntries(optionIds.filter(() => rng.chance(0.8)).map((o) => [o, rng.int(6)])) };
      else if (view.method === 'ranked-choice') input = { ranking: rng.shuffle([...optionIds]).slice(0, rng.int(optionIds.length + 1)) };
      else {
        const choice = rng.pick(model.getMethod(view.method!).choices!)!;
        input = rng.chance(0.8) ? { choice, reason: `reason of ${members[r]}` } : { choice };
      }
      model.castBallot(doc, id, input, actor(r));
      const stored = model.readProposal(doc, id).value!.ballots.get(members[r])!;
      const k = key(members[r], id);
      const json = stable(stored);
      latest.set(k, json);
      cast.set(k, [...(cast.get(k) ?? []), json]);
    });
  }
  /** The editor places a new block's node in the text — unless the insertion was rejected. */
  function placed(r: number, id: string): void {
    if (rng.chance(0.9)) placeInText(docs[r], id);
  }
  function removeNode(r: number): void {
    const root = model.getRoot(docs[r]);
    let index = 0;
    const nodes: number[] = [];
    for (const op of root.toDelta() as Array<{ insert: unknown }>) {
      if (op.insert instanceof Y.XmlElement) nodes.push(index);
      index += typeof op.insert === 'string' ? op.insert.length : 1;
    }
    const at = rng.pick(nodes);
    if (at !== undefined) root.delete(at, 1);
  }
  function textEdit(r: number): void {
    const root = model.getRoot(docs[r]);
    const len = root.length;
    if (len > 0 && rng.chance(0.35)) {
      const at = rng.int(len);
      root.delete(at, Math.min(len - at, 1 + rng.int(6)));
    } else if (len > 0 && rng.chance(0.1)) {
      const at = rng.int(len);
      root.format(at, Math.min(len - at, 4), { bold: true });
    } else {
      root.insert(rng.int(len + 1), rng.pick(['care ', 'food ', 'x', 'meeting ', '✓ ', '\n'])!);
    }
  }

  for (step = 1; step <= steps; step++) {
    const r = rng.int(n);
    let roll = rng.float() * totalWeight;
    const op = ops.find(([w]) => (roll -= w) < 0) ?? ops[ops.length - 1];
    stats.ops++;
    try {
      op[1](r);
      stats.applied++;
    } catch (e) {
      if (!(e instanceof model.ModelError)) throw e;
      stats.refused++;
    }
    networkTick();
  }

  // Heal: deliver everything still queued (shuffled, some twice), then repair drops.
  partition = null;
  rng.shuffle(queue);
  for (const m of queue) {
    deliver(m);
    if (rng.chance(0.1)) deliver(m);
  }
  queue = [];
  for (const k of needsRepair) {
    const [a, b] = k.split(':').map(Number);
    repair(a, b);
  }

  // Checks.
  const now = T0 + (steps + 1) * 1000;
  for (let i = 0; i < n; i++) {
    if (docs[i].store.pendingStructs !== null || docs[i].store.pendingDs !== null) return fail(`replica ${i} has pending updates it could not apply`);
  }
  const sv0 = stateVector(docs[0]);
  const state0 = stateJson(docs[0]);
  const views0 = viewsJson(docs[0], members, now);
  for (let i = 1; i < n; i++) {
    if (stateVector(docs[i]) !== sv0) return fail(`state vectors differ between replica 0 and ${i}`);
    if (stateJson(docs[i]) !== state0) return fail(`document state differs between replica 0 and ${i}`);
    const v = viewsJson(docs[i], members, now);
    if (v !== views0) return fail(`derived views differ between replica 0 and ${i}: ${firstDifference(views0, v)}`);
  }
  for (let i = 0; i < n; i++) {
    const ballots = new Map<string, Map<string, StoredBallot>>();
    for (const [k, json] of latest) {
      const [member, proposal] = k.split('\u0000');
      if (!ballots.has(proposal)) ballots.set(proposal, model.readProposal(docs[i], proposal).value?.ballots ?? new Map());
      const stored = ballots.get(proposal)!.get(member);
      const have = stored === undefined ? null : stable(stored);
      if (have !== json) return fail(`replica ${i} lost ${member}'s latest ballot on ${proposal}: has ${have}, expected ${json}`);
    }
  }
  for (const id of model.listBlockIds(docs[0], 'proposal').value) {
    const outcome = model.readProposal(docs[0], id).value?.outcome;
    for (const [member, ballot] of Object.entries(outcome?.counted ?? {})) {
      if (!(cast.get(key(member, id)) ?? []).includes(stable(ballot as StoredBallot))) return fail(`counted ballot of ${member} on ${id} was never cast`);
    }
  }
  for (const id of model.listBlockIds(docs[0], 'task').value) {
    const c = model.currentClaim(docs[0], id).value!;
    // A done task keeps its claimant for the record; open never has one, claimed always has one.
    if ((c.status === 'claimed' && c.claimant === null) || (c.status === 'open' && c.claimant !== null)) {
      return fail(`task ${id}: status ${c.status} with claimant ${c.claimant}`);
    }
  }
  return { ok: true, reason: 'converged', stats };

  function fail(reason: string): FuzzResult {
    return { ok: false, reason, stats };
  }
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at char ${i}: …${a.slice(Math.max(0, i - 80), i + 80)}… vs …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}
