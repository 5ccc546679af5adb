/**
 * What the relay child says about itself, through its test-only routes
 * (tests/helpers/relay-child.ts): a document's lifecycle state, and its memory after a GC.
 */
import { api } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A document's relay-side state as JSON text (for a problem report), or why it is unknown. */
export async function relaySideState(httpUrl: string, workspaceId: string, docId: string): Promise<string> {
  const r = await api(httpUrl, 'GET', `/__debug/documents/${workspaceId}/${docId}`).catch((err: unknown) => ({ status: 0, body: String(err) }));
  return r.status === 200 ? JSON.stringify(r.body) : `unavailable (${r.status} ${JSON.stringify(r.body)})`;
}

/** Memory the relay still holds after a full GC, in MiB: JS heap plus buffers outside it. */
export async function liveMiB(httpUrl: string): Promise<number> {
  const r = await api(httpUrl, 'GET', '/__debug/memory');
  if (r.status !== 200) throw new Error(`no memory figures from the relay (${r.status})`);
  return Math.round((r.body.heapUsed + r.body.external) * 10) / 10;
}

/**
 * {@link liveMiB} once it stops falling: right after documents unload, their last writes and
 * compactions still hold buffers for a few hundred ms (measured: 34 MiB, then 20 MiB 0.5 s later).
 */
export async function settledLiveMiB(httpUrl: string): Promise<number> {
  let last = await liveMiB(httpUrl);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await liveMiB(httpUrl);
    if (now > last - 0.5) return Math.min(now, last);
    last = now;
  }
  return last;
}

/** Wait until none of `docIds` is in the relay's memory (their stays ended: gone or failed). */
export async function untilUnloaded(httpUrl: string, workspaceId: string, docIds: string[]): Promise<void> {
  const ended = async (docId: string) => {
    const r = await api(httpUrl, 'GET', `/__debug/documents/${workspaceId}/${docId}`);
    return r.status === 200 && (r.body.state === 'gone' || String(r.body.state).startsWith('failed'));
  };
  await waitFor(async () => (await Promise.all(docIds.map(ended))).every(Boolean), { timeout: 30_000, interval: 50, message: 'the fuzzed documents to unload' });
}
