/**
 * Frame generators for the relay fuzzer: valid y-websocket frames, mutations of them,
 * truncated varints, invalid Yjs updates inside well-formed envelopes, oversized frames,
 * oversized and over-full presence, floods and text frames. Each batch says which close
 * codes the relay may answer with. A flood of ordinary messages must be slowed down (the
 * relay stops reading the socket until its budget refills) and stay open; a flood of
 * presence changes is closed (4429).
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { prng } from '../chaos/chaos.ts';
import { craftUpdate, nestedMaps, type Struct } from '../attacks/craft.ts';

type Rng = ReturnType<typeof prng>;

/** One socket's worth of frames and what the relay may do about them. */
export interface Batch {
  kind: string;
  frames: (Uint8Array | string)[];
  /** Close codes the relay may use; `null` = it must keep the socket open. */
  expect: 'open' | 'open-or-refused' | number;
}

/** Encode a frame with lib0, like the stock client. */
export function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** A y-websocket sync frame: 0 = step 1 (a state vector), 1 = step 2, 2 = update. */
export const syncFrame = (syncType: 0 | 1 | 2, payload: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncType);
    encoding.writeVarUint8Array(e, payload);
  });

/** An awareness update with the given entries (client id, clock, JSON text). */
export function awarenessUpdate(entries: [number, number, string][]): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const [id, clock, json] of entries) {
      encoding.writeVarUint(e, id);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });
}
const awarenessFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, update);
  });

/**
 * A scratch document whose client id comes from the seed: Yjs picks a random one, and its
 * size changes the update bytes the mutations draw positions from, so without this a seed
 * did not replay the same frames.
 */
function seededDoc(rng: Rng): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = 1 + rng.int(0xfffffffe);
  return doc;
}

/** Valid Yjs updates from a scratch document: some depend on earlier ones (sent out of order). */
function scratchUpdates(rng: Rng, n: number): Uint8Array[] {
  const doc = seededDoc(rng);
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) {
    const r = rng.int(4);
    const text = doc.getText('fuzzText');
    if (r === 0) text.insert(rng.int(text.length + 1), `f${rng.int(1000)}`);
    else if (r === 1 && text.length > 0) text.delete(rng.int(text.length), 1);
    else if (r === 2) doc.getMap('fuzzMap').set(`k${rng.int(20)}`, rng.chance(0.5) ? rng.int(100) : { nested: [1, 'two'] });
    else doc.getArray('fuzzArray').insert(0, [rng.int(10)]);
  }
  doc.destroy();
  return out;
}

/**
 * A valid frame of any type; presence is always the socket's own client id (`me`), clock rising.
 * Like a real client, a socket asks for the whole document (step 1) once, then probes with state
 * vectors of what it sent (every other time; no draw of `rng`, so seeds keep their sequences).
 */
function validFrame(rng: Rng, updates: Uint8Array[], me: { id: number; clock: number; askedAll?: boolean; probes?: number }): Uint8Array {
  const pick = rng.int(5);
  if (pick === 0 && me.askedAll) {
    me.probes = (me.probes ?? 0) + 1;
    return me.probes % 2 === 1 && updates.length > 0 ? syncFrame(0, Y.encodeStateVectorFromUpdate(updates[me.probes % updates.length])) : new Uint8Array([3]);
  }
  switch (pick) {
    case 0:
      me.askedAll = true;
      return syncFrame(0, Y.encodeStateVector(new Y.Doc()));
    case 1:
      return syncFrame(2, rng.pick(updates) ?? new Uint8Array([0, 0]));
    case 2:
      return syncFrame(1, rng.pick(updates) ?? new Uint8Array([0, 0]));
    case 3:
      return awarenessFrame(awarenessUpdate([[me.id, ++me.clock, JSON.stringify({ cursor: rng.int(100) })]]));
    default:
      return new Uint8Array([3]);
  }
}

/** 1–3 random byte-level mutations. */
function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  let b = Array.from(bytes);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const at = rng.int(Math.max(1, b.length));
    switch (rng.int(6)) {
      case 0:
        if (b.length) b[at] ^= 1 << rng.int(8);
        break;
      case 1:
        if (b.length) b[at] = rng.int(256);
        break;
      case 2:
        b.splice(at, 0, rng.int(256));
        break;
      case 3:
        b.splice(at, 1);
        break;
      case 4:
        b = b.slice(0, at);
        break;
      default:
        b.splice(at, 0, ...b.slice(at, at + 1 + rng.int(8)));
    }
  }
  return Uint8Array.from(b);
}

const randomBytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

/** A point inside each family's share of the dice, to ask for that family. */
export const FAMILIES = {
  valid: 0.1,
  mutated: 0.3,
  badUpdate: 0.5,
  random: 0.68,
  structured: 0.73,
  truncatedVarint: 0.8,
  badStateVector: 0.85,
  hugeAwareness: 0.88,
  awarenessFlood: 0.91,
  text: 0.94,
  presenceFlood: 0.955,
  flood: 0.97,
  oversized: 0.98,
  bigUpdate: 0.99
} as const;
export type Family = keyof typeof FAMILIES;

/** How many of the expensive batches (4 MiB frames, 1–2 MiB pastes) a run may still send. */
export interface HeavyBudget {
  oversized: number;
  bigUpdates: number;
  floods: number;
  presenceFloods: number;
}

/** The next batch: `size` frames of one family. */
export function nextBatch(rng: Rng, size: number, heavy: HeavyBudget, family?: Family): Batch {
  const updates = scratchUpdates(rng, 8);
  const many = (f: () => Uint8Array) => Array.from({ length: size }, f);
  const me = { id: 1_000_000 + rng.int(1_000_000), clock: 0 };
  const r = family === undefined ? rng.next() : FAMILIES[family];
  if (r < 0.2) return { kind: 'valid', frames: many(() => validFrame(rng, updates, me)), expect: 'open' };
  if (r < 0.45) return { kind: 'mutated', frames: many(() => mutate(rng, validFrame(rng, updates, me))), expect: 'open-or-refused' };
  if (r < 0.65) return { kind: 'bad-update', frames: many(() => syncFrame(rng.chance(0.5) ? 2 : 1, mutate(rng, rng.pick(updates)!))), expect: 'open-or-refused' };
  if (r < 0.72) return { kind: 'random', frames: many(() => randomBytes(rng, rng.int(48))), expect: 'open-or-refused' };
  if (r < 0.75) return structuredBatch(rng, heavy);
  if (r < 0.82) {
    // A varint whose continuation bit never ends, at the top level or inside a sync frame.
    const tail = Array.from({ length: 1 + rng.int(9) }, () => 0x80 | rng.int(128));
    return { kind: 'truncated-varint', frames: [Uint8Array.from(rng.chance(0.5) ? tail : [0, ...tail])], expect: 4400 };
  }
  if (r < 0.87) return { kind: 'bad-state-vector', frames: [syncFrame(0, mutate(rng, Y.encodeStateVector(new Y.Doc())).map((x) => x | 0x80))], expect: 4400 };
  if (r < 0.9) {
    const json = JSON.stringify({ user: 'x'.repeat(16 * 1024 + rng.int(4096)) });
    return { kind: 'huge-awareness', frames: [awarenessFrame(awarenessUpdate([[42, 1, json]]))], expect: 4413 };
  }
  if (r < 0.93) {
    const entries = Array.from({ length: 33 + rng.int(100) }, (_, i): [number, number, string] => [i + 1, 1, '{}']);
    return { kind: 'awareness-flood', frames: [awarenessFrame(awarenessUpdate(entries))], expect: 4400 };
  }
  if (r < 0.95) return { kind: 'text', frames: ['{"type":"sync"}'], expect: 4400 };
  if (r < 0.965 && heavy.presenceFloods-- > 0) return presenceFlood(rng);
  // 4,000 past the default burst: read at 500 a second (8 s), answered in full, never closed.
  if (r >= 0.965 && r < 0.975 && heavy.floods-- > 0) return { kind: 'flood', frames: Array.from({ length: 6000 }, () => new Uint8Array([3])), expect: 'open' };
  if (r < 0.985 && heavy.oversized-- > 0) return { kind: 'oversized', frames: [new Uint8Array(4 * 1024 * 1024 + 1 + rng.int(1024))], expect: 4413 };
  if (r >= 0.985 && heavy.bigUpdates-- > 0) return { kind: 'big-valid-update', frames: [syncFrame(2, bigUpdate(rng))], expect: 'open' };
  return { kind: 'valid', frames: many(() => validFrame(rng, updates, me)), expect: 'open' };
}

/** One presence id changing 1,500 times at once: past the presence burst (1,000), closed with 4429. */
function presenceFlood(rng: Rng): Batch {
  const id = 2_000_000 + rng.int(1_000_000);
  const frames = Array.from({ length: 1500 }, (_, clock) => awarenessFrame(awarenessUpdate([[id, clock + 1, JSON.stringify({ cursor: clock })]])));
  return { kind: 'presence-flood', frames, expect: 4429 };
}

/**
 * Structure-aware: valid Yjs updates, written by hand, at the extremes the relay bounds —
 * deep nesting, many editing sessions, structs and deletes waiting for what never comes, an
 * empty struct, a write to a server-only part, a quarter of a million items.
 */
function structuredBatch(rng: Rng, heavy: HeavyBudget): Batch {
  const client = 10_000_000 + rng.int(1_000_000_000);
  const text = (c: number, clock = 0) => ({ client: c, clock, structs: [{ parent: { root: 'fuzzText' }, content: { kind: 'string' as const, text: 'x' } }] });
  const update = (u: Uint8Array): Uint8Array => syncFrame(2, u);
  switch (rng.int(heavy.bigUpdates > 0 ? 7 : 6)) {
    case 0:
      return { kind: 'deep-types', frames: [update(nestedMaps(client, 'fuzzMap', 'deep', 33 + rng.int(3000)))], expect: 4413 };
    case 1:
      return { kind: 'many-sessions', frames: [update(craftUpdate(Array.from({ length: 257 + rng.int(2000) }, (_, i) => text(client + i))))], expect: 4413 };
    case 2:
      return { kind: 'pending-structs', frames: [update(craftUpdate([text(client, 1 + rng.int(1000))]))], expect: 'open' };
    case 3:
      return { kind: 'pending-deletes', frames: [update(craftUpdate([], [{ client, ranges: [[rng.int(100), 1 + rng.int(1_000_000)]] }]))], expect: 'open' };
    case 4:
      return { kind: 'empty-struct', frames: [update(Uint8Array.from([1, 1, 77, 0, 0, 0, 0]))], expect: 4400 };
    case 5:
      return { kind: 'server-root', frames: [update(craftUpdate([{ client, clock: 0, structs: [{ parent: { root: 'server' }, parentSub: 'total', content: { kind: 'any', values: [1] } }] }]))], expect: 4422 };
    default: {
      heavy.bigUpdates--;
      const structs: Struct[] = [{ parent: { root: 'fuzzArray' }, content: { kind: 'any', values: [0] } }];
      for (let i = 1; i < 200_001 + rng.int(50_000); i++) structs.push({ origin: { client, clock: i - 1 }, content: { kind: 'any', values: [0] } });
      return { kind: 'many-items', frames: [update(craftUpdate([{ client, clock: 0, structs }]))], expect: 4413 };
    }
  }
}

/** A valid update just under the frame limit (a huge paste). */
function bigUpdate(rng: Rng): Uint8Array {
  const doc = seededDoc(rng);
  doc.getText('paste').insert(0, 'p'.repeat(1024 * 1024 + rng.int(1024 * 1024)));
  const u = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return u;
}
