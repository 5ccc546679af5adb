import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { heldBackPoison, zeroLengthStruct } from '../../tests/helpers/hostile-updates.ts';
import { appliesCleanly, DeleteSetSchedule, encodeServedState, WHOLE_DELETE_SET_EVERY_MS } from './served-state.ts';

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
