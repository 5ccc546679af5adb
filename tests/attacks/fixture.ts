/**
 * The attacker's bench: a real server on loopback with a workspace (admin, editor, viewer),
 * raw sockets for hand-written frames, and stock y-websocket clients as the honest members
 * whose work must survive.
 */
import * as Y from 'yjs';
import { connectClient, rawSocket, type RawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, tempDir, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { MutualConfig } from '../../server/config.ts';
import type { MutualParts } from '../../server/app.ts';
import { updateFrame } from './craft.ts';

export class Arena {
  server!: TestServer;
  ws!: TestWorkspace;
  readonly dataDir = tempDir('mutual-attack-');
  private readonly clients: TestClient[] = [];
  private readonly sockets: RawSocket[] = [];
  private honestText = 0;

  constructor(
    private readonly config: Partial<MutualConfig> = {},
    private readonly parts: MutualParts = {}
  ) {}

  /** Start the server and, unless told otherwise, create the workspace (creation must be open). */
  async start(options: { workspace?: boolean } = {}): Promise<this> {
    this.server = await startServer({ dataDir: this.dataDir, config: this.config, parts: this.parts });
    if (options.workspace !== false) this.ws ??= await createWorkspace(this.server.httpUrl);
    return this;
  }

  /** Stop and start the server on the same data directory (everything reloads from storage). */
  async restart(): Promise<void> {
    this.closeAll();
    await this.server.close();
    this.server = await startServer({ dataDir: this.dataDir, config: this.config, parts: this.parts });
  }

  async stop(): Promise<void> {
    this.closeAll();
    await this.server.close();
    removeDir(this.dataDir);
  }

  private closeAll(): void {
    for (const c of this.clients.splice(0)) c.destroy();
    for (const s of this.sockets.splice(0)) s.ws.terminate();
  }

  /** An honest member's stock client, synced. */
  async member(docId: string, token = this.ws.admin.token, doc?: Y.Doc): Promise<TestClient> {
    const c = connectClient(this.server.syncUrl, this.ws.workspaceId, docId, token, doc);
    this.clients.push(c);
    await c.synced();
    return c;
  }

  /** A raw socket, open and greeted (the relay's sync step 1 arrived). */
  async socket(docId: string, token = this.ws.editor.token): Promise<RawSocket> {
    const s = rawSocket(`${this.server.syncUrl}/${this.ws.workspaceId}/${docId}?token=${token}`);
    this.sockets.push(s);
    await s.opened;
    await waitFor(() => s.frames.length > 0, { message: 'the relay to greet the attacker' });
    return s;
  }

  /** Send hand-written updates on a raw socket; resolves how the relay closed it (or null if it stayed open). */
  async send(s: RawSocket, ...updates: Uint8Array[]): Promise<void> {
    for (const u of updates) s.ws.send(updateFrame(u));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Resolve the code the relay closed `s` with. */
  async closeCode(s: RawSocket): Promise<number> {
    return (await s.closed).code;
  }

  /** The process still answers HTTP. */
  async healthy(): Promise<boolean> {
    const r = await api(this.server.httpUrl, 'GET', '/healthz');
    return r.status === 200 && r.body.ok === true;
  }

  /**
   * Two honest members still edit `docId` together: a fresh line written by one arrives at
   * the other (and the relay). Returns the line.
   */
  async honestEditsFlow(docId: string): Promise<string> {
    const a = await this.member(docId, this.ws.admin.token);
    const b = await this.member(docId, this.ws.editor.token);
    const line = `honest line ${++this.honestText} `;
    a.doc.getText('notes').insert(0, line);
    await waitFor(() => b.doc.getText('notes').toString().includes(line), { message: `"${line}" to reach the other member` });
    await waitFor(() => this.server.mutual.documents.read(this.ws.workspaceId, docId, (d) => d.getText('notes').toString().includes(line)), {
      message: 'the line to reach the relay'
    });
    return line;
  }

  /** Read a document on the relay (loading it if needed). */
  read<T>(docId: string, fn: (doc: Y.Doc) => T): Promise<T> {
    return this.server.mutual.documents.read(this.ws.workspaceId, docId, fn);
  }
}
