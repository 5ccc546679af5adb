import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { deletesOnly, Receipts } from './receipts.ts';

/** Two members' documents, and what each keystroke of the writer sends. */
function writerAndReader() {
  const writer = new Y.Doc();
  const reader = new Y.Doc();
  const sent: Uint8Array[] = [];
  writer.on('update', (update: Uint8Array) => sent.push(update));
  const receipts = new Receipts(reader);
  /** The relay passes the writer's next update on; the reader's handle sees it applied. */
  const relay = (update: Uint8Array) => {
    Y.applyUpdate(reader, update, 'relay');
    receipts.relaySent(update);
  };
  return { writer, reader, sent, receipts, relay };
}

describe('what the relay is known to hold', () => {
  it('a reader holds nothing unconfirmed while a peer types, keystroke after keystroke', () => {
    const { writer, sent, receipts, relay } = writerAndReader();
    receipts.relayHolds(Y.encodeStateVector(new Y.Doc())); // the relay held nothing when the socket opened
    for (const char of 'Needed:') writer.getText('t').insert(writer.getText('t').length, char);
    for (const update of sent) {
      relay(update);
      expect(receipts.pending, 'after each keystroke the peer sent').toBe(false);
    }
    expect(receipts.relayHas(writer.clientID, 6)).toBe(true);
    // And what the device store keeps says so for the next session.
    const next = new Receipts(new Y.Doc());
    next.restore({ unsynced: false, syncedStateVector: receipts.relayStateVector() });
    expect(next.relayHas(writer.clientID, 6)).toBe(true);
  });

  it('an update after a gap (clocks the relay was not known to hold) proves nothing before it', () => {
    const { writer, reader, sent, receipts } = writerAndReader();
    writer.getText('t').insert(0, 'ab');
    writer.getText('t').insert(2, 'c');
    // Only the second keystroke is passed on; the reader never saw the first.
    Y.applyUpdate(reader, sent[1]!, 'relay');
    receipts.relaySent(sent[1]!);
    expect(receipts.relayHas(writer.clientID, 2)).toBe(false);
    // The first arrives: now the relay is known to hold both.
    Y.applyUpdate(reader, sent[0]!, 'relay');
    receipts.relaySent(sent[0]!);
    expect(receipts.relayHas(writer.clientID, 1)).toBe(true);
  });

  it('a local edit is pending until a receipt of a probe sent after it', () => {
    const { reader, receipts } = writerAndReader();
    reader.getText('t').insert(0, 'x');
    receipts.localEdit();
    expect(receipts.pending).toBe(true);
    receipts.probeSent(0);
    expect(receipts.receiptArrived()).toBe(true);
    expect(receipts.pending).toBe(false);
  });
});

describe('deletesOnly', () => {
  it('tells a deletion (no state vector shows it) from an insertion or a replacement', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('t');
    text.insert(0, 'hello world');
    text.delete(0, 6);
    doc.transact(() => {
      text.delete(0, 1);
      text.insert(0, 'W');
    });
    expect(updates.map(deletesOnly)).toEqual([false, true, false]);
    expect(deletesOnly(new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
