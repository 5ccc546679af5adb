import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { docKey, type DocKey } from '../store/types.ts';
import { startCatchUp } from './catch-up.ts';

const A = docKey('ws', 'a');
const B = docKey('ws', 'b');

/** A fake relay: which documents it serves, which catch-ups find something missing. */
function fakeDocuments(served: DocKey[], missing = new Set<DocKey>()) {
  const reads: string[] = [];
  return {
    reads,
    served,
    documents: {
      servedKeys: () => [...served],
      catchUp: async (w: string, d: string) => {
        reads.push(`${w}/${d}`);
        return missing.delete(docKey(w, d));
      }
    }
  };
}

describe('periodic catch-up', () => {
  const logger = createLogger('silent');

  it('reads a document only when its stored revision moved since the last pass', async () => {
    const fake = fakeDocuments([A, B], new Set([B]));
    const revs = new Map<DocKey, string>([
      [A, 'a1'],
      [B, 'b1']
    ]);
    const c = startCatchUp({ documents: fake.documents, revisions: async (keys) => new Map(keys.map((k) => [k, revs.get(k)!])), intervalMs: 0, logger });
    expect(await c.pass()).toBe(1); // first pass: both read, B had missed something
    expect(fake.reads).toEqual([A, B]);
    expect(await c.pass()).toBe(0);
    expect(fake.reads).toEqual([A, B]); // nothing moved, nothing read
    revs.set(A, 'a2');
    await c.pass();
    expect(fake.reads).toEqual([A, B, A]);
    expect(c.passes).toBe(3);
  });

  it('without revisions reads every served document each pass; forgets documents no longer served', async () => {
    const fake = fakeDocuments([A, B]);
    const c = startCatchUp({ documents: fake.documents, intervalMs: 0, logger });
    await c.pass();
    fake.served.splice(0, 1);
    await c.pass();
    expect(fake.reads).toEqual([A, B, B]);
  });

  it('passes asked for while one runs share it', async () => {
    const fake = fakeDocuments([A]);
    const c = startCatchUp({ documents: fake.documents, intervalMs: 0, logger });
    await Promise.all([c.pass(), c.pass(), c.pass()]);
    expect(fake.reads).toEqual([A]);
    expect(c.passes).toBe(1);
  });
});
