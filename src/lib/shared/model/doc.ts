/**
 * A document's Y.Doc: the editor's root text, the blocks map and the meta map,
 * plus the conventions every mutation follows (one transaction, one origin).
 */
import * as Y from 'yjs';
import { anchoredBlockIds } from './anchors';
import { BlockTypes, DocKeys, DocKinds, type BlockType, type DocKind } from './schema';
import { ModelError } from './errors';
import { IssueLog, isBoolean, isFiniteNumber, isString, oneOf, readField, type ModelIssue, type Read } from './validate';

/**
 * Transaction origin of model mutations unless the caller passes its own.
 * `Symbol.for` so that two bundled copies of this module still agree. The editor
 * binding skips its own origin, not this one, so blocks re-render on model
 * changes; an UndoManager should not track it (a ballot is not undone by Ctrl+Z).
 */
export const MODEL_ORIGIN: unique symbol = Symbol.for('mutual/model') as never;

/**
 * Who is acting, and when. Every mutation takes one: the member id is recorded
 * in events and ballots; `at` (ms since epoch) defaults to `Date.now()` and is
 * injectable so tests and the fuzz are deterministic; `serverAt` is the acting
 * device's estimate of the relay's clock (its own clock corrected by the offset
 * measured from `GET /api/time`), stamped on claim log entries where it decides
 * between concurrent claims (log-order.ts; without it, `at` is the estimate);
 * `origin` overrides {@link MODEL_ORIGIN} (e.g. the relay applying a server-side rule).
 */
export interface Actor {
  memberId: string;
  at?: number;
  serverAt?: number;
  origin?: unknown;
}

/** The time of an action (the actor's clock; used for display and deadlines, never for ordering). */
export function timeOf(actor: Actor): number {
  return actor.at ?? Date.now();
}

/**
 * Run `fn` as ONE transaction with the actor's origin. Callers validate before
 * calling this: Yjs commits whatever a transaction wrote even if `fn` throws, so
 * a refusal must happen before the first write.
 */
export function mutate<T>(doc: Y.Doc, actor: Actor, fn: () => T): T {
  let result: T | undefined;
  doc.transact(() => {
    result = fn();
  }, actor.origin ?? MODEL_ORIGIN);
  return result as T;
}

/** The Lexical editor's root (bound by @lexical/yjs). The model never edits it. */
export function getRoot(doc: Y.Doc): Y.XmlText {
  return doc.get(DocKeys.root, Y.XmlText) as Y.XmlText;
}

/** Block id → Y.Map of the block's state. */
export function getBlocks(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DocKeys.blocks);
}

/** kind, title, created, seeded (and agenda facilitation state). */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DocKeys.meta);
}

/** What a document is, from its meta map. */
export interface DocMeta {
  kind: DocKind;
  title: string;
  created: number;
  seeded: boolean;
}

/**
 * Seed a new document's meta. Call once, on the creating device, before the
 * document is shared: two devices seeding the same empty document would each
 * write their own values (the known "both insert a paragraph" pitfall).
 */
export function initDocument(
  doc: Y.Doc,
  input: { kind: DocKind; title: string },
  actor: Actor
): void {
  if (!oneOf(DocKinds)(input.kind)) throw new ModelError('invalid-input', `Unknown document kind "${String(input.kind)}".`);
  const meta = getMeta(doc);
  if (meta.get('seeded') === true) throw new ModelError('already-seeded', 'This document was already set up.');
  mutate(doc, actor, () => {
    meta.set('kind', input.kind);
    meta.set('title', input.title);
    meta.set('created', timeOf(actor));
    meta.set('seeded', true);
  });
}

/** Rename a document (its meta title; the catalogue title is set in the index doc). */
export function setDocumentTitle(doc: Y.Doc, title: string, actor: Actor): void {
  mutate(doc, actor, () => getMeta(doc).set('title', title));
}

/** The document's meta, with defaults and issues for anything missing or malformed. */
export function readMeta(doc: Y.Doc): Read<DocMeta> {
  const meta = getMeta(doc);
  const log = new IssueLog('');
  const value: DocMeta = {
    kind: readField(meta, 'kind', oneOf(DocKinds), 'page', log),
    title: readField(meta, 'title', isString, '', log),
    created: readField(meta, 'created', isFiniteNumber, 0, log),
    seeded: readField(meta, 'seeded', isBoolean, false, log, false)
  };
  return { value, issues: log.issues };
}

/** The Y.Map of a block, if present and a Y.Map. */
export function getBlockMap(doc: Y.Doc, blockId: string): Y.Map<unknown> | undefined {
  const value = getBlocks(doc).get(blockId);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : undefined;
}

/** A block's type, or undefined when missing or unknown. */
export function blockTypeOf(block: Y.Map<unknown>): BlockType | undefined {
  const type = block.get('type');
  return oneOf(BlockTypes)(type) ? type : undefined;
}

/** The block's Y.Map, or a typed error when it is missing or of another kind (for mutations). */
export function requireBlock(doc: Y.Doc, blockId: string, type: BlockType): Y.Map<unknown> {
  const block = getBlockMap(doc, blockId);
  if (!block) throw new ModelError('not-found', `This ${type.replace('-', ' ')} no longer exists.`);
  if (blockTypeOf(block) !== type) throw new ModelError('wrong-kind', `Block ${blockId} is not a ${type.replace('-', ' ')}.`);
  return block;
}

/** Every well-formed block id of the given type, sorted by id; malformed entries become issues. */
export function listBlockIds(doc: Y.Doc, type?: BlockType): Read<string[]> {
  const issues: ModelIssue[] = [];
  const ids: string[] = [];
  getBlocks(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) {
      issues.push({ blockId: id, reason: 'block is not a map; skipped' });
      return;
    }
    const t = blockTypeOf(value as Y.Map<unknown>);
    if (!t) {
      issues.push({ blockId: id, reason: `unknown block type "${String(value.get('type'))}"; skipped` });
      return;
    }
    if (!type || t === type) ids.push(id);
  });
  // Sorted so every replica lists blocks in the same order (map iteration order is not shared).
  ids.sort();
  return { value: ids, issues };
}

/**
 * The well-formed block ids of `type` that the document shows — anchored in its text (see
 * anchors.ts) — sorted by id. Views across documents list blocks through this (or
 * {@link collectBlocks}), so a block whose node left the text is shown nowhere.
 */
export function listAnchoredBlockIds(doc: Y.Doc, type: BlockType): Read<string[]> {
  const all = listBlockIds(doc, type);
  const anchored = anchoredBlockIds(doc);
  return { value: all.value.filter((id) => anchored.has(id)), issues: all.issues };
}

/**
 * Insert a new block's Y.Map under `blockId` with its common fields, inside the
 * caller's transaction. Returns the integrated map so the caller can add nested types.
 */
export function insertBlock(doc: Y.Doc, blockId: string, type: BlockType, actor: Actor): Y.Map<unknown> {
  const blocks = getBlocks(doc);
  const block = new Y.Map<unknown>();
  blocks.set(blockId, block);
  block.set('type', type);
  block.set('id', blockId);
  block.set('createdAt', timeOf(actor));
  block.set('createdBy', actor.memberId);
  return block;
}

/** Refuse a caller-chosen id that is malformed or already used (before any write). */
export function checkNewBlockId(doc: Y.Doc, blockId: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(blockId)) throw new ModelError('invalid-input', `"${blockId}" is not a valid block id.`);
  if (getBlocks(doc).has(blockId)) throw new ModelError('already-exists', `A block with id ${blockId} already exists.`);
}

/**
 * Delete a block's state. Use sparingly: undo in the editor can bring back a
 * node whose block was deleted (it would then render as missing), and a peer
 * may be acting on it. Leaving an orphaned block is the safe default; delete
 * only in explicit clean-up (e.g. after the node has been gone for a while).
 */
export function deleteBlock(doc: Y.Doc, blockId: string, actor: Actor): void {
  if (!getBlocks(doc).has(blockId)) return;
  mutate(doc, actor, () => getBlocks(doc).delete(blockId));
}

/**
 * Every readable block of `type` anchored in its document's text (see anchors.ts), each with
 * its document id, in document then id order. Issues met while reading are appended to
 * `issues` (dashboards across a workspace all gather blocks this way).
 */
export function collectBlocks<T>(
  docs: readonly { docId: string; doc: Y.Doc }[],
  type: BlockType,
  read: (doc: Y.Doc, blockId: string) => Read<T | null>,
  issues: ModelIssue[]
): (T & { docId: string })[] {
  const found: (T & { docId: string })[] = [];
  for (const { docId, doc } of docs) {
    const ids = listAnchoredBlockIds(doc, type);
    issues.push(...ids.issues);
    for (const id of ids.value) {
      const one = read(doc, id);
      issues.push(...one.issues);
      if (one.value) found.push({ ...one.value, docId });
    }
  }
  return found;
}
