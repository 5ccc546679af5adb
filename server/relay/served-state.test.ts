import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { heldBackPoison, zeroLengthStruct } from '../../tests/helpers/hostile-updates.ts';
import { appliesCleanly, DeleteSetSchedule, encodeServedState, encodeServedStateNewDeletions, WHOLE_DELETE_SET_EVERY_MS } from './served-state.ts';

function poisoned(): Y.Doc {
  const { held, filler } = heldBackPoison();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, held);
  Y.applyUpdate(doc, filler);
  return doc;
}

describe('encodeServedState', () => {
  it('Yjs’s own encoding of a document holding a hostile held-back update does not load (why this exists)', () => {
    const doc = poisoned();
    expect(doc.store.pendingStructs).not.toBeNull();
    expect(appliesCleanly(Y.encodeStateAsUpdate(doc))).toBe(false);
  });

  it('leaves held-back structs out, so the encoding loads and holds the integrated text', () => {
    const doc = poisoned();
    const state = encodeServedState(doc);
    expect(appliesCleanly(state)).toBe(true);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, state);
    expect(copy.getText('t').toString()).toBe(heldBackPoison().text);
    // The live document keeps holding them back (they may become integrable later).
    expect(doc.store.pendingStructs).not.toBeNull();
  });

  it('equals Yjs’s encoding when nothing is held back, with or without a state vector', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    doc.getText('t').insert(5, ' world');
    expect(encodeServedState(doc)).toEqual(Y.encodeStateAsUpdate(doc));
    const sv = Y.encodeStateVector(peer);
    expect(encodeServedState(doc, sv)).toEqual(Y.encodeStateAsUpdate(doc, sv));
  });

  it('cannot help a zero-length struct: it is integrated, so appliesCleanly is the guard', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, zeroLengthStruct());
    expect(appliesCleanly(encodeServedState(doc))).toBe(false);
  });
});

/** A document two people edited for a while (thousands of deletions), and a device holding all of it. */
function longEditedPair(): { doc: Y.Doc; device: Y.Doc } {
  const doc = new Y.Doc();
  const other = new Y.Doc();
  for (let round = 0; round < 200; round++) {
    for (const [author, at] of [[doc, 0], [other, 3]] as const) {
      const text = author.getText('t');
      text.insert(Math.min(at, text.length), `word ${round} `);
      text.delete(Math.min(at, text.length - 2), 2);
    }
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
  }
  const device = new Y.Doc();
  Y.applyUpdate(device, Y.encodeStateAsUpdate(doc));
  return { doc, device };
}

const deletedBelow = (update: Uint8Array, stateVector: Map<number, number>) =>
  [...Y.decodeUpdate(update).ds.clients].flatMap(([client, ranges]) => ranges.filter((r) => r.clock < (stateVector.get(client) ?? 0)));

describe('encodeServedStateNewDeletions (a later answer on a live connection)', () => {
  it('brings a device everything it lacks, deletions among it included, without the deletions it holds: a fraction of the bytes', () => {
    const { doc, device } = longEditedPair();
    const text = doc.getText('t');
    text.insert(0, 'fresh words');
    text.delete(0, 6); // a deletion inside what the device lacks
    const sv = Y.encodeStateVector(device);
    const answer = encodeServedStateNewDeletions(doc, sv).update;
    const whole = encodeServedState(doc, sv);
    Y.applyUpdate(device, answer);
    expect(device.getText('t').toString()).toBe(text.toString());
    expect(deletedBelow(answer, Y.decodeStateVector(sv))).toEqual([]);
    expect(deletedBelow(whole, Y.decodeStateVector(sv)).length).toBeGreaterThan(100);
    // Falling back to the whole answer (Yjs writing its delete set otherwise) would fail this.
    expect(answer.byteLength * 10).toBeLessThan(whole.byteLength);
    // What it cost to make is the whole encoding (what the asker's budget is charged).
    expect(encodeServedStateNewDeletions(doc, sv).encodedBytes).toBe(whole.byteLength);
  });

  it('leaves a deletion of what the device holds to the update that carries it; the whole answer has it', () => {
    const { doc, device } = longEditedPair();
    doc.getText('t').delete(0, 4);
    const sv = Y.encodeStateVector(device);
    const before = device.getText('t').toString();
    Y.applyUpdate(device, encodeServedStateNewDeletions(doc, sv).update);
    expect(device.getText('t').toString()).toBe(before);
    Y.applyUpdate(device, encodeServedState(doc, sv));
    expect(device.getText('t').toString()).toBe(doc.getText('t').toString());
  });

  it('is the whole answer, byte for byte, for a device that holds nothing', () => {
    const { doc } = longEditedPair();
    const empty = Y.encodeStateVector(new Y.Doc());
    expect(encodeServedStateNewDeletions(doc, empty).update).toEqual(encodeServedState(doc, empty));
  });
});

describe('DeleteSetSchedule', () => {
  it('gives the first answer of a connection the whole delete set, then one at most every interval', () => {
    const schedule = new DeleteSetSchedule();
    expect(schedule.next(1_000)).toBe('all');
    expect(schedule.next(1_001)).toBe('new');
    expect(schedule.next(1_000 + WHOLE_DELETE_SET_EVERY_MS - 1)).toBe('new');
    expect(schedule.next(1_000 + WHOLE_DELETE_SET_EVERY_MS)).toBe('all');
    expect(schedule.next(1_000 + WHOLE_DELETE_SET_EVERY_MS + 1)).toBe('new');
  });
});
