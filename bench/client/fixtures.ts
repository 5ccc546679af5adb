/**
 * Documents the client scenario needs, written from Node through the relay with the stock
 * client (as another device would): a 1,000-block document and a typing document with one
 * line per typist, both listed in the workspace catalogue so devices replicate them.
 */
import { $createParagraphNode, $createTextNode, type LexicalNode } from 'lexical';
import * as Y from 'yjs';
import { createBlockState } from '../../src/lib/editor/blocks.ts';
import { $createBlockNode, type BlockKind } from '../../src/lib/editor/nodes/BlockNode.ts';
import { seedDocument, type DocumentTemplate } from '../../src/lib/editor/seed.ts';
import type { Actor } from '../../src/lib/shared/model/doc.ts';
import { addCatalogueEntry } from '../../src/lib/shared/model/workspace.ts';
import { INDEX_DOC_ID } from '../../src/lib/shared/protocol.ts';
import { connectClient, type TestClient } from '../../tests/helpers/clients.ts';
import { waitFor } from '../../tests/helpers/wait-for.ts';

/**
 * Close a Node client for good: the provider leaves its awareness (and that awareness's
 * check timer) running after destroy, which would keep the bench process alive.
 */
function closeClient(c: TestClient): void {
  c.destroy();
  c.provider.awareness.destroy();
  c.doc.destroy();
}

/** Where a Node device reaches the relay. */
export interface NodeDevice {
  syncUrl: string;
  workspaceId: string;
  token: string;
  memberId: string;
}

/** The mix of the big document: three block kinds and plain paragraphs, in turn. */
const MIX: Array<BlockKind | 'paragraph'> = ['task', 'proposal', 'need', 'paragraph'];

/** `count` top-level blocks: tasks, proposals, needs and paragraphs in turn, then an empty line to type into. */
export function bigTemplate(count: number, actor: Actor): DocumentTemplate {
  return (root, doc) => {
    const nodes: LexicalNode[] = [];
    for (let i = 0; i < count; i++) {
      const kind = MIX[i % MIX.length];
      if (kind === 'paragraph') nodes.push($createParagraphNode().append($createTextNode(`Note ${i}: bring folding tables and the urn to the hall.`)));
      else nodes.push($createBlockNode(createBlockState(doc, kind, actor, `${kind} ${i}`), kind));
    }
    nodes.push($createParagraphNode());
    root.append(...nodes);
  };
}

/** Number of block views (not paragraphs) a document of `count` blocks shows. */
export function blockViews(count: number): number {
  return count - Math.floor(count / MIX.length);
}

/**
 * One paragraph per typist, "<name>: ", so each types at the end of their own line; then,
 * when `blocks` > 0, the big document's mix of blocks below them (typing in a long document).
 */
export function typingTemplate(names: string[], blocks = 0, actor?: Actor): DocumentTemplate {
  const below = blocks > 0 && actor ? bigTemplate(blocks, actor) : null;
  return (root, doc) => {
    root.append(...names.map((n) => $createParagraphNode().append($createTextNode(`${n}: `))));
    below?.(root, doc);
  };
}

/**
 * Write a new document through the relay and list it in the catalogue; resolves once the
 * relay holds it, with the document's whole state as one update (what the bare reference opens).
 */
export async function publishDocument(dev: NodeDevice, docId: string, title: string, template: DocumentTemplate): Promise<Uint8Array> {
  const actor: Actor = { memberId: dev.memberId };
  const doc = new Y.Doc();
  seedDocument(doc, template, { kind: 'page', title, actor });
  const expected = Y.encodeStateVector(doc);
  const writer = connectClient(dev.syncUrl, dev.workspaceId, docId, dev.token, doc);
  const index = connectClient(dev.syncUrl, dev.workspaceId, INDEX_DOC_ID, dev.token);
  try {
    await Promise.all([writer.synced(60_000), index.synced(60_000)]);
    addCatalogueEntry(index.doc, { id: docId, kind: 'page', title }, actor);
    // A second, fresh device sees the whole document: it reached the relay (durable first).
    const check = connectClient(dev.syncUrl, dev.workspaceId, docId, dev.token);
    try {
      await check.synced(60_000);
      await waitFor(() => Buffer.compare(Buffer.from(Y.encodeStateVector(check.doc)), Buffer.from(expected)) === 0, { timeout: 60_000, message: `${docId} to reach the relay` });
    } finally {
      closeClient(check);
    }
    await waitFor(() => index.provider.wsconnected && (index.provider as unknown as { ws: { bufferedAmount: number } | null }).ws?.bufferedAmount === 0, { message: 'catalogue entry sent' });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    closeClient(writer);
    closeClient(index);
  }
}

/** A Node typist: appends characters at the end of its own paragraph, as an editor would. */
export interface NodeTypist {
  /** The Yjs client id of the typist's edits. */
  readonly clientId: number;
  /**
   * Update frames this peer received from the relay while `watching`, with the wall-clock time
   * (ms) its socket delivered each and the frame in base64: when another member's keystroke
   * reached a process that does nothing else (the typing bench's relay-only figure).
   */
  readonly received: Array<[number, string]>;
  watching: boolean;
  typeOne(): void;
  destroy(): void;
}

export async function nodeTypist(dev: NodeDevice, docId: string, name: string): Promise<NodeTypist> {
  const client: TestClient = connectClient(dev.syncUrl, dev.workspaceId, docId, dev.token);
  await client.synced(30_000);
  const root = client.doc.get('root', Y.XmlText);
  // Lexical stores each paragraph as an embedded Y.XmlText; a text node is a Y.Map of its
  // properties followed by its characters, so inserting at the paragraph's end extends it.
  const para = root
    .toDelta()
    .map((op: { insert: unknown }) => op.insert)
    .find((x: unknown): x is Y.XmlText => x instanceof Y.XmlText && x.toString().includes(`${name}: `));
  if (!para) throw new Error(`no line for ${name} in ${docId}`);
  let i = 0;
  const received: Array<[number, string]> = [];
  const typist = {
    clientId: client.doc.clientID,
    received,
    watching: false,
    typeOne: () => para.insert(para.length, 'abcdefghij'[i++ % 10]),
    destroy: () => closeClient(client)
  };
  // y-websocket: a sync message (0) carrying an update (2).
  client.provider.ws?.addEventListener('message', (event: { data: unknown }) => {
    if (!typist.watching || !(event.data instanceof ArrayBuffer)) return;
    const u8 = new Uint8Array(event.data);
    if (u8.length > 2 && u8[0] === 0 && u8[1] === 2) received.push([performance.timeOrigin + performance.now(), Buffer.from(u8).toString('base64')]);
  });
  return typist;
}
