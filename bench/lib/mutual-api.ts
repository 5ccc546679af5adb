/** Just enough of Mutual's HTTP API for the bench: make a workspace and get a member token. */
export interface BenchWorkspace {
  workspaceId: string;
  token: string;
}

export async function createWorkspace(port: number, name = 'bench'): Promise<BenchWorkspace> {
  const res = await fetch(`http://127.0.0.1:${port}/api/workspaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, memberName: 'bench' })
  });
  if (res.status !== 201) throw new Error(`POST /api/workspaces answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as Partial<BenchWorkspace>;
  if (typeof body.workspaceId !== 'string' || typeof body.token !== 'string') throw new Error(`unexpected workspace response: ${JSON.stringify(body)}`);
  return { workspaceId: body.workspaceId, token: body.token };
}
