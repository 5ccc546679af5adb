import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getBlocks, getMeta } from '../../shared/model/doc.ts';
import { createNeed, readNeeds } from '../../shared/model/need.ts';
import { claimTask, createTask } from '../../shared/model/task.ts';
import { BlockChanges } from './block-changes.ts';

const ana = { memberId: 'ana' };

describe('BlockChanges: one subscription per document', () => {
  it('tells only the views of the blocks a transaction changed', () => {
    const doc = new Y.Doc();
    const a = createTask(doc, { title: 'Fold chairs' }, ana);
    const b = createTask(doc, { title: 'Buy milk' }, ana);
    const changes = BlockChanges.of(doc);
    const heard: string[] = [];
    const stopA = changes.onBlock(a, () => heard.push('a'));
    const stopB = changes.onBlock(b, () => heard.push('b'));
    claimTask(doc, a, ana);
    expect(heard).toEqual(['a']);
    stopA();
    stopB();
    claimTask(doc, b, { memberId: 'ben' });
    expect(heard).toEqual(['a']);
  });

  it('one observer on the document, however many views listen, and none once they all left', () => {
    const doc = new Y.Doc();
    const ids = Array.from({ length: 50 }, (_, i) => createTask(doc, { title: `Task ${i}` }, ana));
    const changes = BlockChanges.of(doc);
    const blocks = getBlocks(doc) as unknown as { _dEH: { l: unknown[] } };
    const before = blocks._dEH.l.length;
    const stops = ids.map((id) => changes.onBlock(id, () => {}));
    expect(blocks._dEH.l.length).toBe(before + 1);
    for (const stop of stops) stop();
    expect(blocks._dEH.l.length).toBe(before);
  });

  it('tells a block that appears after its view subscribed (state arriving from a peer), and one removed', () => {
    const doc = new Y.Doc();
    const peer = new Y.Doc();
    const id = createTask(peer, { title: 'From a peer' }, ana);
    let heard = 0;
    const stop = BlockChanges.of(doc).onBlock(id, () => heard++);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
    expect(heard).toBe(1);
    getBlocks(doc).delete(id);
    expect(heard).toBe(2);
    stop();
  });

  it('kind listeners hear any block of their kind, including one removed, and not other kinds', () => {
    const doc = new Y.Doc();
    const task = createTask(doc, { title: 'Fold chairs' }, ana);
    const need = createNeed(doc, { kind: 'ask', title: 'A lift to the clinic', category: 'transport' }, ana);
    const heard: string[] = [];
    const stop = BlockChanges.of(doc).onType(['task'], () => heard.push('task'));
    claimTask(doc, task, ana);
    (getBlocks(doc).get(need) as Y.Map<unknown>).set('title', 'A lift');
    expect(heard).toEqual(['task']);
    getBlocks(doc).delete(task);
    expect(heard).toEqual(['task', 'task']);
    stop();
  });

  it('a shared read is computed once per change however many views read it, before any of them hears', () => {
    const doc = new Y.Doc();
    createNeed(doc, { kind: 'ask', title: 'A lift to the clinic', category: 'transport' }, ana);
    const changes = BlockChanges.of(doc);
    let computed = 0;
    const read = () => changes.shared('needs', ['need'], (d) => (computed++, readNeeds(d).value));
    const seen: number[] = [];
    const stops = Array.from({ length: 20 }, () => read().subscribe(() => seen.push(read().get().length)));
    expect(read().get()).toHaveLength(1);
    expect(computed).toBe(1);
    createNeed(doc, { kind: 'offer', title: 'A car on Tuesdays', category: 'transport' }, ana);
    expect(seen).toEqual(Array.from({ length: 20 }, () => 2));
    expect(computed).toBe(2);
    createTask(doc, { title: 'Not a need' }, ana);
    expect(computed).toBe(2);
    for (const stop of stops) stop();
  });

  it('meta listeners hear meeting and facilitation changes', () => {
    const doc = new Y.Doc();
    let heard = 0;
    const stop = BlockChanges.of(doc).onMeta(() => heard++);
    getMeta(doc).set('title', 'Tuesday');
    expect(heard).toBe(1);
    stop();
    getMeta(doc).set('title', 'Wednesday');
    expect(heard).toBe(1);
  });
});
