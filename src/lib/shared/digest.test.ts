import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentDigest } from './digest.ts';

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

describe('documentDigest', () => {
  it('is equal on replicas holding the same document, however it arrived', () => {
    const a = new Y.Doc();
    const text = a.getText('t');
    const b = new Y.Doc();
    const c = new Y.Doc();
    // b gets every keystroke as it happens (structs split per update), c gets the result once.
    a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
    for (const word of ['rent ', 'strike ', 'on ', 'Tuesday']) text.insert(text.length, word);
    text.delete(5, 7);
    a.getMap('blocks').set('x', 1);
    sync(a, c);
    expect(documentDigest(b)).toBe(documentDigest(a));
    expect(documentDigest(c)).toBe(documentDigest(a));
    expect(documentDigest(a)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('changes on a pure deletion, which leaves the state vector alone', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'hello world');
    const b = new Y.Doc();
    sync(a, b);
    const before = documentDigest(b);
    b.getText('t').delete(0, 6);
    expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a));
    expect(documentDigest(b)).not.toBe(before);
    expect(documentDigest(b)).not.toBe(documentDigest(a));
    sync(b, a);
    expect(documentDigest(a)).toBe(documentDigest(b));
  });

  it('an empty document has one digest, and any content changes it', () => {
    expect(documentDigest(new Y.Doc())).toBe(documentDigest(new Y.Doc()));
    const d = new Y.Doc();
    d.getMap('m').set('k', 'v');
    expect(documentDigest(d)).not.toBe(documentDigest(new Y.Doc()));
  });
});
