import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docKey } from '../store/types.ts';
import { LiveDocument, MIXED, type DocumentPeer } from './live-document.ts';

function peer(memberId = 'm1'): DocumentPeer & { frames: Uint8Array[]; closedWith: number | null } {
  const frames: Uint8Array[] = [];
  const p = {
    frames,
    closedWith: null as number | null,
    memberId,
    closed: false,
    awarenessClients: new Set<number>(),
    send: (f: Uint8Array) => void frames.push(f),
    close: (code: number) => {
      p.closedWith = code;
      p.closed = true;
    }
  };
  return p;
}

function textUpdate(text: string): Uint8Array {
  const d = new Y.Doc();
  d.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(d);
}

function live(): LiveDocument {
  return new LiveDocument(docKey('w', 'd'), new Y.Doc(), { count: 0, bytes: 0 }, () => {}, () => {}, () => {});
}

describe('LiveDocument', () => {
  it('applies a turn of updates in one transaction and names only the malformed sender', () => {
    const doc = live();
    const [a, b, c] = [peer(), peer(), peer()];
    doc.queuePeerUpdate(a, textUpdate('A'));
    doc.queuePeerUpdate(b, new Uint8Array([5, 200, 1, 99, 99]));
    doc.queuePeerUpdate(c, textUpdate('C'));
    const result = doc.applyIncoming();
    expect(result.rejections.map((r) => r.writer)).toEqual([b]);
    expect(result.failure).toBeNull();
    const text = doc.ydoc.getText('t').toString();
    expect(text).toContain('A');
    expect(text).toContain('C');
    doc.destroy();
  });

  it('merges a single sender’s batch with that sender as origin, several senders as MIXED', () => {
    const doc = live();
    const [a, b] = [peer(), peer()];
    doc.queuePeerUpdate(a, textUpdate('1'));
    doc.queuePeerUpdate(a, textUpdate('2'));
    doc.applyIncoming();
    expect(doc.takeBatch()?.origin).toBe(a);
    doc.batchDurable(1, 1);
    doc.queuePeerUpdate(a, textUpdate('3'));
    doc.queuePeerUpdate(b, textUpdate('4'));
    doc.applyIncoming();
    expect(doc.takeBatch()?.origin).toBe(MIXED);
    doc.destroy();
  });

  it('runs durable waiters only once everything applied before them is durable', () => {
    const doc = live();
    const ran: string[] = [];
    doc.afterDurable(() => ran.push('idle'));
    expect(ran).toEqual(['idle']);
    doc.ydoc.getText('t').insert(0, 'x'); // pending, not yet taken
    doc.afterDurable(() => ran.push('first'));
    const batch1 = doc.takeBatch()!;
    doc.ydoc.getText('t').insert(0, 'y'); // pending while batch 1 is in flight
    expect(doc.takeBatch()).toBeNull(); // one batch in flight at a time
    doc.afterDurable(() => ran.push('second'));
    doc.batchDurable(batch1.seq, batch1.update.byteLength);
    expect(ran).toEqual(['idle', 'first']);
    const batch2 = doc.takeBatch()!;
    doc.batchDurable(batch2.seq, batch2.update.byteLength);
    expect(ran).toEqual(['idle', 'first', 'second']);
    doc.destroy();
  });

  it('fails waiters when the document fails', () => {
    const doc = live();
    doc.ydoc.getText('t').insert(0, 'x');
    let error: unknown = null;
    doc.afterDurable((err) => (error = err));
    doc.takeBatch();
    doc.settleWaiters(new Error('disk full'));
    expect(String(error)).toMatch(/disk full/);
    doc.destroy();
  });
});
