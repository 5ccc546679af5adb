import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MalformedFrameError, readClientFrame, writeSyncStep1Frame, writeUpdateFrame } from './messages.ts';
import { TokenBucket } from './rate-limit.ts';

describe('frames', () => {
  it('round-trips the relay’s own frames through the client decoder', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hi');
    expect(readClientFrame(writeSyncStep1Frame(doc))).toMatchObject({ type: 'sync-step1' });
    const update = Y.encodeStateAsUpdate(doc);
    const frame = readClientFrame(writeUpdateFrame(update));
    expect(frame.type).toBe('sync-update');
    expect(Array.from((frame as { update: Uint8Array }).update)).toEqual(Array.from(update));
    expect(readClientFrame(new Uint8Array([3]))).toEqual({ type: 'query-awareness' });
  });

  it.each([[[]], [[0xff]], [[0, 0x80]], [[0, 2, 5, 1]], [[7]], [[3, 0]], [[0, 9, 0]]])('rejects %j as malformed', (bytes) => {
    expect(() => readClientFrame(new Uint8Array(bytes))).toThrow(MalformedFrameError);
  });
});

describe('token bucket', () => {
  it('allows the burst, then the sustained rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 5, () => t);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    t += 100; // 1 token
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    t += 10_000;
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('charges expensive answers, at most half the burst at a time', () => {
    let t = 0;
    const b = new TokenBucket(10, 100, () => t);
    expect(b.take()).toBe(true);
    b.charge(1_000_000); // capped at 50: the next messages still go through
    for (let i = 0; i < 49; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    b.charge(30); // debt: nothing until it is refilled
    t += 2000;
    expect(b.take()).toBe(false);
    t += 1100;
    expect(b.take()).toBe(true);
  });
});
