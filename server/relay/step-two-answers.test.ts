import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { heldBackPoison } from '../../tests/helpers/hostile-updates.ts';
import { encodeServedState } from './served-state.ts';
import { StepTwoAnswers } from './step-two-answers.ts';

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

/** A document of `count` one-letter structs that cannot merge (each typed before the last), with a few deletions. */
function manyStructs(count: number): Y.Doc {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) text.insert(0, 'a');
  text.delete(0, 3);
  return doc;
}

const structsOf = (doc: Y.Doc) => [...doc.store.clients.values()].reduce((n, structs) => n + structs.length, 0);

const deletedBelow = (update: Uint8Array, stateVector: Map<number, number>) =>
  [...Y.decodeUpdate(update).ds.clients].flatMap(([client, ranges]) => ranges.filter((r) => r.clock < (stateVector.get(client) ?? 0)));

describe('StepTwoAnswers: a later answer on a live connection (deletions: new)', () => {
  it('brings a device everything it lacks, deletions among it included, without the deletions it holds: a fraction of the bytes', () => {
    const { doc, device } = longEditedPair();
    const answers = new StepTwoAnswers(doc);
    const text = doc.getText('t');
    text.insert(0, 'fresh words');
    text.delete(0, 6); // a deletion inside what the device lacks
    const sv = Y.encodeStateVector(device);
    const answer = answers.answer(sv, 'new').update;
    const whole = encodeServedState(doc, sv);
    Y.applyUpdate(device, answer);
    expect(device.getText('t').toString()).toBe(text.toString());
    expect(deletedBelow(answer, Y.decodeStateVector(sv))).toEqual([]);
    expect(deletedBelow(whole, Y.decodeStateVector(sv)).length).toBeGreaterThan(100);
    // Falling back to the whole answer (Yjs writing its delete set otherwise) would fail this.
    expect(answer.byteLength * 10).toBeLessThan(whole.byteLength);
  });

  it('leaves a deletion of what the device holds to the update that carries it; the whole answer has it', () => {
    const { doc, device } = longEditedPair();
    const answers = new StepTwoAnswers(doc);
    doc.getText('t').delete(0, 4);
    const sv = Y.encodeStateVector(device);
    const before = device.getText('t').toString();
    Y.applyUpdate(device, answers.answer(sv, 'new').update);
    expect(device.getText('t').toString()).toBe(before);
    Y.applyUpdate(device, answers.answer(sv, 'all').update);
    expect(device.getText('t').toString()).toBe(doc.getText('t').toString());
  });

  it('is the whole answer, byte for byte, for a device that holds nothing', () => {
    const { doc } = longEditedPair();
    const empty = Y.encodeStateVector(new Y.Doc());
    expect(new StepTwoAnswers(doc).answer(empty, 'new').update).toEqual(encodeServedState(doc, empty));
  });

  it('answers a device that lacks nothing with no structs and no deletions', () => {
    const { doc, device } = longEditedPair();
    const update = new StepTwoAnswers(doc).answer(Y.encodeStateVector(device), 'new').update;
    const decoded = Y.decodeUpdate(update);
    expect(decoded.structs).toEqual([]);
    expect(decoded.ds.clients.size).toBe(0);
  });
});

describe('StepTwoAnswers: the whole answer (deletions: all)', () => {
  it('is Yjs’s answer byte for byte, for devices lacking nothing, something or everything, before and after changes', () => {
    const { doc, device } = longEditedPair();
    const answers = new StepTwoAnswers(doc);
    const check = () => {
      for (const sv of [Y.encodeStateVector(doc), Y.encodeStateVector(device), Y.encodeStateVector(new Y.Doc())]) {
        expect(answers.answer(sv, 'all').update).toEqual(Y.encodeStateAsUpdate(doc, sv));
      }
    };
    check();
    doc.getText('t').delete(2, 5); // a deletion only: no state vector moves
    check();
    doc.getText('t').insert(1, 'more');
    check();
  });

  it('leaves held-back structs out, as the relay’s snapshot does', () => {
    const { held, filler } = heldBackPoison();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, held);
    Y.applyUpdate(doc, filler);
    const sv = Y.encodeStateVector(doc);
    expect(new StepTwoAnswers(doc).answer(sv, 'all').update).toEqual(encodeServedState(doc, sv));
  });
});

describe('StepTwoAnswers: what asking costs', () => {
  it('walks the document once per change, however often a device that lacks nothing asks', () => {
    const doc = manyStructs(2_000);
    const answers = new StepTwoAnswers(doc);
    const sv = Y.encodeStateVector(doc);
    for (let i = 0; i < 50; i++) answers.answer(sv, i === 0 ? 'all' : 'new');
    expect(answers.walks).toBe(1);
    doc.getText('t').delete(0, 1);
    expect(answers.answer(sv, 'all').update).toEqual(Y.encodeStateAsUpdate(doc, sv));
    expect(answers.walks).toBe(2);
    answers.destroy();
    doc.getText('t').delete(0, 1);
    answers.answer(sv, 'new');
    expect(answers.walks).toBe(2); // no longer told of changes: it keeps what it read
  });

  it('charges an answer that walks the store a byte per struct, however small what it sends', () => {
    const doc = manyStructs(20_000);
    const answers = new StepTwoAnswers(doc);
    const structs = structsOf(doc);
    expect(structs).toBeGreaterThanOrEqual(20_000);
    // A device lacking one letter: a few bytes of answer, a walk of 20,000 structs to make it.
    const lacking = new Map(Y.decodeStateVector(Y.encodeStateVector(doc)));
    const [[client, clock]] = [...lacking];
    lacking.set(client, clock - 1);
    const sv = Y.encodeStateVector(lacking);
    const first = answers.answer(sv, 'new');
    expect(first.update.byteLength).toBeLessThan(100);
    expect(first.encodedBytes).toBeGreaterThanOrEqual(2 * structs); // its own walk and Yjs's
    const again = answers.answer(sv, 'new');
    expect(again.encodedBytes).toBeGreaterThanOrEqual(structs); // Yjs walks for every such answer
    // A device lacking nothing, once the delete set is read: charged the answer's bytes only.
    const upToDate = answers.answer(Y.encodeStateVector(doc), 'all');
    expect(upToDate.encodedBytes).toBe(upToDate.update.byteLength);
  });
});
