/**
 * Restore an old version as a NEW change: the live document's text is replaced by the old
 * version's text in one ordinary Yjs transaction, which every replica receives and syncs
 * like any edit (and which can itself be undone by restoring a later version). History is
 * never rewritten: the versions in between stay in the history list.
 *
 * Why at the Yjs level and not through a second Lexical editor: @lexical/yjs caches its
 * collab nodes on the shared types, so a second binding over a Y.Doc an open editor is
 * bound to would steal that editor's nodes (see seed.ts). A plain transaction on `root`
 * reaches the open editor through its `observeDeep` listener, exactly like a remote edit.
 *
 * Block state (the `blocks` map): blocks that still exist keep their live state — ballots
 * cast and tasks claimed since are people's actions, not text edits a restore should erase.
 * Blocks the old version references but the live document lost are brought back from the
 * old version (settings only: ballots and logs are people's own acts), so every restored
 * block node points at a block that exists.
 */
import * as Y from 'yjs';
import { APPEND_ONLY_LOGS, BALLOTS_KEY } from '../model/authority.ts';
import { DocKeys } from '../model/schema.ts';

/** Transaction origin of a restore, so observers can tell it from typing. */
export const RESTORE_ORIGIN = Symbol.for('mutual/history-restore');

/** What a restore changed. */
export interface RestoreResult {
  /** Block ids brought back from the old version because the live document had lost them. */
  restoredBlocks: string[];
}

/** A Y.Doc holding a version's state (gc off, so nothing in it is collected early). */
export function loadVersion(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, update);
  return doc;
}

/**
 * Replace `live`'s text with `old`'s and bring back blocks it lost, in one transaction.
 * `old` is a version loaded with {@link loadVersion} (or any document of the same shape).
 */
export function restoreVersion(live: Y.Doc, old: Y.Doc, origin: unknown = RESTORE_ORIGIN): RestoreResult {
  const oldRoot = old.get(DocKeys.root, Y.XmlText);
  const oldBlocks = old.getMap<unknown>(DocKeys.blocks);
  const restoredBlocks: string[] = [];
  live.transact(() => {
    const root = live.get(DocKeys.root, Y.XmlText);
    if (root.length > 0) root.delete(0, root.length);
    copyChildren(oldRoot, root);
    const blocks = live.getMap<unknown>(DocKeys.blocks);
    for (const id of referencedBlockIds(oldRoot)) {
      if (blocks.has(id) || !oldBlocks.has(id)) continue;
      blocks.set(id, cloneBlock(oldBlocks.get(id)));
      restoredBlocks.push(id);
    }
  }, origin);
  return { restoredBlocks: restoredBlocks.sort() };
}

/** Ids of every block node in a text tree. */
export function referencedBlockIds(type: Y.XmlText): string[] {
  const ids: string[] = [];
  for (const op of type.toDelta() as Array<{ insert?: unknown }>) {
    if (op.insert instanceof Y.XmlElement) {
      const id = op.insert.getAttribute('__blockId');
      if (typeof id === 'string') ids.push(id);
    } else if (op.insert instanceof Y.XmlText) ids.push(...referencedBlockIds(op.insert));
  }
  return ids;
}

/**
 * Append a deep copy of `from`'s content to the (integrated) `to`. Yjs types cannot move
 * between documents, and YXmlText.clone() fails on nested embeds (yjs 13.6), so each child
 * is created empty, inserted, then filled — attributes on an integrated type always work.
 */
function copyChildren(from: Y.XmlText, to: Y.XmlText): void {
  let index = to.length;
  for (const op of from.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
    const part = op.insert;
    if (typeof part === 'string') {
      to.insert(index, part, op.attributes ?? {});
      index += part.length;
      continue;
    }
    if (part instanceof Y.XmlText) {
      const child = new Y.XmlText();
      to.insertEmbed(index, child, op.attributes ?? {});
      for (const [key, value] of Object.entries(part.getAttributes())) child.setAttribute(key, value);
      copyChildren(part, child);
    } else if (part instanceof Y.XmlElement) {
      const child = new Y.XmlElement(part.nodeName);
      to.insertEmbed(index, child, op.attributes ?? {});
      for (const [key, value] of Object.entries(part.getAttributes())) child.setAttribute(key, value as string);
    } else if (part instanceof Y.Map) {
      const child = new Y.Map<unknown>();
      to.insertEmbed(index, child, op.attributes ?? {});
      for (const [key, value] of part.entries()) child.set(key, cloneValue(value));
    } else if (part !== undefined) {
      to.insertEmbed(index, part as object, op.attributes ?? {});
    }
    index += 1;
  }
}

/**
 * A lost block brought back: its settings, without its ballots and logs. Those are people's
 * acts under their own names (the relay lets only their authors write them), not text a
 * restore may recreate on someone else's behalf.
 */
function cloneBlock(value: unknown): unknown {
  if (!(value instanceof Y.Map)) return cloneValue(value);
  const map = new Y.Map<unknown>();
  for (const [key, v] of value.entries()) {
    if (key === BALLOTS_KEY) map.set(key, new Y.Map<unknown>());
    else if (APPEND_ONLY_LOGS.has(key)) map.set(key, new Y.Array<unknown>());
    else map.set(key, cloneValue(v));
  }
  return map;
}

/** Deep copy of a block value: Y.Map / Y.Array become fresh prelim types, plain values are copied. */
function cloneValue(value: unknown): unknown {
  if (value instanceof Y.Map) {
    const map = new Y.Map<unknown>();
    for (const [key, v] of value.entries()) map.set(key, cloneValue(v));
    return map;
  }
  if (value instanceof Y.Array) {
    const arr = new Y.Array<unknown>();
    arr.push(value.toArray().map(cloneValue));
    return arr;
  }
  if (value instanceof Y.AbstractType) return null;
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
