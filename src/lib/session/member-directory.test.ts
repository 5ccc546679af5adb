/**
 * The document page's member directory (issue 25): its claim check — the member's open tasks
 * across the workspace against the norm — is loaded with the first claim, and still answers.
 */
import { describe, expect, it } from 'vitest';
import { memberDirectoryFor } from './member-directory';
import type { WorkspaceSession } from './workspace.svelte';

/** A session with `claimed` open tasks held by ana, the library loaded or not. */
function sessionStub(claimed: number, loaded = true): WorkspaceSession {
  const tasks = Array.from({ length: claimed }, (_, i) => ({ id: `t${i}`, docId: 'd', title: `t${i}`, status: 'claimed', claimant: 'ana', due: null }));
  const library = { version: 1, loaded, entries: () => [{ docId: 'd', title: 'Notes', tasks }] };
  return {
    members: [
      { id: 'ana', name: 'Ana', role: 'editor', joinedAt: 0 },
      { id: 'ben', name: 'Ben', role: 'editor', joinedAt: 0 },
      { id: 'vic', name: 'Vic', role: 'viewer', joinedAt: 0 }
    ],
    settings: { workloadNorm: 3 },
    libraryHeld: library
  } as unknown as WorkspaceSession;
}

describe("the page's member directory", () => {
  it('names members at once, and checks a claim against the norm with the check loaded on first use', async () => {
    const directory = memberDirectoryFor(sessionStub(3));
    expect(directory.members().map((m) => m.name)).toEqual(['Ana', 'Ben', 'Vic']);
    const check = await directory.checkClaim?.('ana');
    expect(check).toEqual({ needsConfirm: true, openClaims: 3, norm: 3, withRoom: [{ memberId: 'ben', room: 3 }] });
    expect((await directory.checkClaim?.('ben'))?.needsConfirm).toBe(false);
  }, 30_000); // the first claim transforms the model's modules in the test runner

  it('answers null (the claim goes ahead) while the workspace is still being read', async () => {
    expect(await memberDirectoryFor(sessionStub(5, false)).checkClaim?.('ana')).toBeNull();
  });
});
