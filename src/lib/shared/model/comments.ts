/**
 * Comments on a document's text (issue 22): threads anchored to a stretch of text, with
 * replies, resolved and reopened.
 *
 * Stored in the document's Y.Doc, so they work offline and merge like the text:
 *
 *   comments  Y.Map  thread id → Y.Map {
 *     createdAt, createdBy, quote   plain values (the text commented on, when it was)
 *     resolved                      { by, at } | null — last writer wins (resolve / reopen)
 *     messages  Y.Map  member id → Y.Map  message id → { text, at, edited?, deleted? }
 *   }
 *
 * Messages are kept **by author**, like ballots: `messages/<memberId>` holds that member's
 * messages, and the relay lets only that member create, change or remove anything under it
 * (authority.ts), so a comment's text is its author's alone — nobody can put words in
 * another's mouth or erase them. Deleting keeps a tombstone (`deleted: true`) so replies keep
 * their place. Resolving is shared work: any member who may comment may resolve or reopen.
 *
 * The anchor lives in the text: the editor wraps the commented words in a mark node
 * (@lexical/mark) whose `__ids` name the thread; @lexical/yjs stores it as an element, so the
 * anchor moves with concurrent edits around and inside it. A thread whose mark is gone (the
 * words were deleted) is kept and shown as "on deleted text". A viewer never writes the text,
 * so a thread a viewer starts (when the workspace lets viewers comment) has no mark: its
 * `anchor` is `'quote'` and its quote says which words it is about (authority.ts).
 *
 * Starting, replying, editing, deleting, resolving and reopening are in comment-edits.ts (the
 * comments panel's; the document page only counts open threads: issue 25).
 */
import * as Y from 'yjs';
import { COMMENTS_ROOT, MAX_QUOTE_LENGTH, MESSAGES_KEY, QUOTE_ANCHOR } from './authority';
import { getRoot } from './doc';
import { isFiniteNumber, isRecord, isString, type ModelIssue, type Read } from './validate';

export { COMMENTS_ROOT, MAX_QUOTE_LENGTH, MESSAGES_KEY };
/** Longest comment. */
export const MAX_COMMENT_LENGTH = 4000;
/** Lexical's node type of a comment anchor (@lexical/mark). */
export const MARK_NODE_TYPE = 'mark';

/** One message of a thread, as shown. */
export interface CommentMessage {
  id: string;
  author: string;
  at: number;
  text: string;
  edited: number | null;
  deleted: boolean;
}

/** A thread, as shown. */
export interface CommentThread {
  id: string;
  createdBy: string;
  createdAt: number;
  quote: string;
  resolved: { by: string; at: number } | null;
  /** Oldest first; the first is the comment that opened the thread. */
  messages: CommentMessage[];
  /** Its anchor is still in the text (false: "on deleted text", unless `quoteOnly`). */
  anchored: boolean;
  /** Never marked in the text: a viewer's thread, about the words it quotes (issue 22). */
  quoteOnly: boolean;
}

/** The comments root of a document. */
export function getComments(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(COMMENTS_ROOT);
}

/** Thread ids named by comment marks in the document's text, at any depth. */
export function anchoredThreadIds(doc: Y.Doc): Set<string> {
  const ids = new Set<string>();
  const visit = (el: Y.XmlText) => {
    const attrs = el.getAttributes() as Record<string, unknown>;
    if (attrs.__type === MARK_NODE_TYPE && Array.isArray(attrs.__ids)) for (const id of attrs.__ids) if (isString(id)) ids.add(id);
    for (const op of el.toDelta() as Array<{ insert?: unknown }>) if (op.insert instanceof Y.XmlText) visit(op.insert);
  };
  visit(getRoot(doc));
  return ids;
}

function readMessages(raw: unknown, issues: ModelIssue[], threadId: string): CommentMessage[] {
  const out: CommentMessage[] = [];
  if (!(raw instanceof Y.Map)) return out;
  raw.forEach((mine, author) => {
    if (!(mine instanceof Y.Map)) return void issues.push({ blockId: threadId, reason: `messages of ${author} are not a map` });
    mine.forEach((value, id) => {
      if (!isRecord(value) || !isString(value.text) || !isFiniteNumber(value.at)) return void issues.push({ blockId: threadId, reason: `message ${id} could not be read` });
      out.push({ id, author, at: value.at, text: value.deleted === true ? '' : value.text, edited: isFiniteNumber(value.edited) ? value.edited : null, deleted: value.deleted === true });
    });
  });
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

function readResolved(raw: unknown): CommentThread['resolved'] {
  return isRecord(raw) && isString(raw.by) && isFiniteNumber(raw.at) ? { by: raw.by, at: raw.at } : null;
}

/** Every thread of the document, newest activity last; malformed ones skipped with a reason. */
export function readThreads(doc: Y.Doc): Read<CommentThread[]> {
  return readThreadsAnchoredIn(doc, anchoredThreadIds(doc));
}

/**
 * How many threads are open, without looking for their marks in the text (which walks the
 * whole document): cheap enough to recount after every change (issue 25).
 */
export function countOpenThreads(doc: Y.Doc): number {
  return openThreadCount(readThreadsAnchoredIn(doc, null).value);
}

/** The threads; `anchored` null: not looked up (every thread reads as not anchored). */
function readThreadsAnchoredIn(doc: Y.Doc, anchored: Set<string> | null): Read<CommentThread[]> {
  const issues: ModelIssue[] = [];
  const threads: CommentThread[] = [];
  getComments(doc).forEach((raw, id) => {
    if (!(raw instanceof Y.Map)) return void issues.push({ blockId: id, reason: 'thread is not a map' });
    const messages = readMessages(raw.get(MESSAGES_KEY), issues, id);
    if (messages.length === 0) return void issues.push({ blockId: id, reason: 'thread has no messages' });
    const createdBy = raw.get('createdBy');
    const createdAt = raw.get('createdAt');
    const quote = raw.get('quote');
    threads.push({
      id,
      createdBy: isString(createdBy) ? createdBy : messages[0]!.author,
      createdAt: isFiniteNumber(createdAt) ? createdAt : messages[0]!.at,
      quote: isString(quote) ? quote : '',
      resolved: readResolved(raw.get('resolved')),
      messages,
      anchored: anchored?.has(id) ?? false,
      quoteOnly: raw.get('anchor') === QUOTE_ANCHOR
    });
  });
  threads.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return { value: threads, issues };
}

/** One of a member's messages, with the Yjs id of its latest version (to ask whether the relay has it). */
export interface OwnMessage {
  threadId: string;
  messageId: string;
  text: string;
  /** The Yjs id of the item holding the message's current words. */
  item: { client: number; clock: number };
}

/**
 * A member's own messages (their latest words, deleted ones left out), each with the Yjs id of
 * the item holding it: a device lists those the relay never confirmed when their sending was
 * refused (a viewer whose workspace stopped letting viewers comment), so nothing is lost quietly.
 */
export function ownMessagesOf(doc: Y.Doc, memberId: string): OwnMessage[] {
  const out: OwnMessage[] = [];
  getComments(doc).forEach((thread, threadId) => {
    const all = thread instanceof Y.Map ? thread.get(MESSAGES_KEY) : undefined;
    const mine = all instanceof Y.Map ? all.get(memberId) : undefined;
    if (!(mine instanceof Y.Map)) return;
    for (const [messageId, item] of (mine as Y.Map<unknown>)._map) {
      const value = mine.get(messageId);
      if (item.deleted || !isRecord(value) || !isString(value.text) || value.deleted === true) continue;
      out.push({ threadId, messageId, text: value.text, item: { client: item.id.client, clock: item.id.clock } });
    }
  });
  return out;
}

/** How many threads are open (not resolved). */
export function openThreadCount(threads: readonly CommentThread[]): number {
  return threads.filter((t) => !t.resolved).length;
}
