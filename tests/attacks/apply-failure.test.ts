/**
 * The backstop behind inspection: if applying an admitted update still throws, the relay
 * refuses that frame, stops serving the in-memory copy (which may be half-changed) and
 * reloads the document from storage. Nothing applied after the error is persisted or
 * compacted; everyone else reconnects (1011) and loses nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Arena } from './fixture.ts';

let arena: Arena;
beforeEach(async () => {
  arena = await new Arena().start();
});
afterEach(async () => {
  await arena.stop();
});

describe('an update that throws while being applied', () => {
  it('is refused, the document reloads from storage, and the others carry on', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('plan', admin.token);
    ana.doc.getText('notes').insert(0, 'Soup kitchen on Sunday. ');
    await waitFor(() => arena.read('plan', (d) => d.getText('notes').toString().includes('Sunday')), { message: 'Ana’s words on the relay' });
    // Stand-in for a Yjs failure inspection did not foresee: an observer that throws on a marker.
    await arena.read('plan', (d) =>
      d.getText('notes').observe(() => {
        if (d.getText('notes').toString().includes('BOOM')) throw new RangeError('Maximum call stack size exceeded');
      })
    );
    const ben = await arena.member('plan', editor.token);
    ben.doc.getText('notes').insert(0, 'BOOM ');
    await waitFor(() => ben.closes.some((c) => c.code === CloseCode.badRequest), { message: 'the frame to be refused' });
    await waitFor(() => ana.closes.some((c) => c.code === 1011), { message: 'the others to be told to reconnect' });
    expect(await arena.healthy()).toBe(true);
    // The reloaded copy has Ana's words and not the failed change; editing goes on.
    await waitFor(() => arena.read('plan', (d) => d.getText('notes').toString().includes('Sunday')), { message: 'the reload' });
    expect(await arena.read('plan', (d) => d.getText('notes').toString())).not.toContain('BOOM');
    await arena.honestEditsFlow('plan');
    await arena.restart();
    const stored = await arena.read('plan', (d) => d.getText('notes').toString());
    expect(stored).toContain('Soup kitchen on Sunday.');
    expect(stored).not.toContain('BOOM');
  });
});
