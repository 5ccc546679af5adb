import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '#shared/protocol';
import { SERVER_ROOTS } from '#shared/model/authority';
import { Admission, DEFAULT_ADMISSION_LIMITS, type Writer } from './admission.ts';

function writer(memberId = 'ana'): Writer & { closed: boolean } {
  return { memberId, closed: false };
}

/** Two consecutive updates of one client: the second depends on the first. */
function twoSteps(): [Uint8Array, Uint8Array] {
  const d = new Y.Doc();
  d.clientID = 42;
  const sv = Y.encodeStateVector(d);
  d.getText('t').insert(0, 'ab');
  const first = Y.encodeStateAsUpdate(d, sv);
  const sv2 = Y.encodeStateVector(d);
  d.getText('t').insert(2, 'cd');
  return [first, Y.encodeStateAsUpdate(d, sv2)];
}

function setup(limits: Partial<typeof DEFAULT_ADMISSION_LIMITS> = {}) {
  let t = 0;
  const ydoc = new Y.Doc();
  const admission = new Admission<Writer>(ydoc, SERVER_ROOTS, () => 0, { ...DEFAULT_ADMISSION_LIMITS, ...limits }, () => t);
  return { ydoc, admission, advance: (ms: number) => (t += ms) };
}

describe('Admission', () => {
  it('holds an update until what it builds on arrives, then applies both in one round', () => {
    const { ydoc, admission } = setup();
    const [first, second] = twoSteps();
    const a = writer();
    admission.queue(a, second);
    expect(admission.admit(null)).toMatchObject({ rejections: [], failure: null, held: 1 });
    admission.queue(a, first);
    expect(admission.admit(null)).toMatchObject({ rejections: [], failure: null, held: 0 });
    expect(ydoc.getText('t').toString()).toBe('abcd');
  });

  it('tells a writer to reconnect when its held update waits too long, and forgets it', () => {
    const { admission, advance } = setup({ maxHoldMs: 1000 });
    const [, second] = twoSteps();
    const a = writer();
    admission.queue(a, second);
    admission.admit(null);
    advance(1000);
    const result = admission.admit(null);
    expect(result.rejections).toEqual([{ writer: a, code: CloseCode.retryLater, reason: expect.stringMatching(/reconnect/) }]);
    expect(result.held).toBe(0);
  });

  it('bounds what one writer may have held', () => {
    const { admission } = setup({ maxHeldPerWriter: 2 });
    const a = writer();
    for (let i = 0; i < 3; i++) {
      const d = new Y.Doc();
      d.clientID = 100 + i;
      const updates: Uint8Array[] = [];
      d.on('update', (u: Uint8Array) => updates.push(u));
      d.getText('t').insert(0, 'x');
      d.getText('t').insert(1, 'y');
      // Only the second insert: it needs the first, which never comes.
      admission.queue(a, updates[1]);
    }
    const result = admission.admit(null);
    expect(result.rejections.map((r) => r.code)).toEqual([CloseCode.retryLater]);
  });

  it('blames the update being applied when Yjs throws, and the only writer when clean-up throws', () => {
    const { ydoc, admission } = setup();
    ydoc.getText('t').observe(() => {
      throw new Error('observer failed');
    });
    const a = writer('ana');
    const [first] = twoSteps();
    admission.queue(a, first);
    expect(admission.admit(null).failure?.writer).toBe(a);
  });

  it('with several writers and a failure in clean-up, blames nobody; isolated, it blames the right one', () => {
    const make = (client: number, text: string) => {
      const d = new Y.Doc();
      d.clientID = client;
      d.getText('t').insert(0, text);
      return Y.encodeStateAsUpdate(d);
    };
    const run = (isolate: boolean) => {
      const { ydoc, admission } = setup();
      admission.isolate = isolate;
      ydoc.getText('t').observe(() => {
        if (ydoc.getText('t').toString().includes('BAD')) throw new Error('observer failed');
      });
      const [good, bad] = [writer('ana'), writer('ben')];
      admission.queue(good, make(1, 'ok'));
      admission.queue(bad, make(2, 'BAD'));
      return { failure: admission.admit(null).failure, bad };
    };
    expect(run(false).failure?.writer).toBeNull();
    const isolated = run(true);
    expect(isolated.failure?.writer).toBe(isolated.bad);
  });

  it('refuses a writer’s later updates in the same round once one was refused', () => {
    const { ydoc, admission } = setup();
    const m = writer('mallory');
    const d = new Y.Doc();
    const sv = Y.encodeStateVector(d);
    d.getMap('server').set('total', 1);
    admission.queue(m, Y.encodeStateAsUpdate(d, sv));
    const sv2 = Y.encodeStateVector(d);
    d.getText('t').insert(0, 'after');
    admission.queue(m, Y.encodeStateAsUpdate(d, sv2));
    const result = admission.admit(null);
    expect(result.rejections).toHaveLength(1);
    expect(result.rejections[0].code).toBe(CloseCode.changeRefused);
    expect(ydoc.getText('t').toString()).toBe('');
  });
});
