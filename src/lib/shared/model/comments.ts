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
 */
import * as Y from 'yjs';
import { COMMENTS_ROOT, MAX_QUOTE_LENGTH, MESSAGES_KEY, QUOTE_ANCHOR } from './authority';
import { getRoot, mutate, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
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

function checkText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new ModelError('invalid-input', 'A comment needs some words.');
  if (trimmed.length > MAX_COMMENT_LENGTH) throw new ModelError('invalid-input', `A comment is at most ${MAX_COMMENT_LENGTH} characters.`);
  return trimmed;
}

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> {
  const thread = getComments(doc).get(threadId);
  if (!(thread instanceof Y.Map)) throw new ModelError('not-found', 'This comment thread is not in the document.');
  return thread;
}

/** The member's own messages map in a thread, made when they first write there. */
function ownMessages(thread: Y.Map<unknown>, memberId: string): Y.Map<unknown> {
  let all = thread.get(MESSAGES_KEY);
  if (!(all instanceof Y.Map)) {
    all = new Y.Map<unknown>();
    thread.set(MESSAGES_KEY, all);
  }
  const messages = all as Y.Map<unknown>;
  let mine = messages.get(memberId);
  if (!(mine instanceof Y.Map)) {
    mine = new Y.Map<unknown>();
    messages.set(memberId, mine);
  }
  return mine as Y.Map<unknown>;
}

/**
 * Open a thread on the words `quote` with its first comment. Returns the thread id; the editor
 * wraps the words in a mark naming it (in the same moment, so no one sees a thread without it).
 */
export function createThread(doc: Y.Doc, input: { id?: string; quote: string; text: string; quoteOnly?: boolean }, actor: Actor): string {
  const text = checkText(input.text);
  const id = input.id ?? newBlockId();
  if (getComments(doc).has(id)) throw new ModelError('already-exists', 'A thread with this id exists.');
  const at = timeOf(actor);
  mutate(doc, actor, () => {
    const thread = new Y.Map<unknown>();
    getComments(doc).set(id, thread);
    thread.set('createdBy', actor.memberId);
    thread.set('createdAt', at);
    thread.set('quote', input.quote.trim().slice(0, MAX_QUOTE_LENGTH));
    thread.set('resolved', null);
    if (input.quoteOnly) thread.set('anchor', QUOTE_ANCHOR);
    ownMessages(thread, actor.memberId).set(newBlockId(12), { text, at });
  });
  return id;
}

/** Reply in a thread (reopens nothing: replying to a resolved thread leaves it resolved). */
export function replyToThread(doc: Y.Doc, threadId: string, text: string, actor: Actor): string {
  const body = checkText(text);
  const thread = threadMap(doc, threadId);
  const id = newBlockId(12);
  mutate(doc, actor, () => ownMessages(thread, actor.memberId).set(id, { text: body, at: timeOf(actor) }));
  return id;
}

function ownMessage(doc: Y.Doc, threadId: string, messageId: string, actor: Actor): { mine: Y.Map<unknown>; value: Record<string, unknown> } {
  const all = threadMap(doc, threadId).get(MESSAGES_KEY);
  const mine = all instanceof Y.Map ? all.get(actor.memberId) : undefined;
  const value = mine instanceof Y.Map ? mine.get(messageId) : undefined;
  if (!(mine instanceof Y.Map) || !isRecord(value)) throw new ModelError('not-found', 'Only the person who wrote a comment may change it.');
  return { mine, value };
}

/** Change the words of one's own comment. */
export function editComment(doc: Y.Doc, threadId: string, messageId: string, text: string, actor: Actor): void {
  const body = checkText(text);
  const { mine, value } = ownMessage(doc, threadId, messageId, actor);
  if (value.deleted === true) throw new ModelError('not-found', 'This comment was deleted.');
  mutate(doc, actor, () => mine.set(messageId, { ...value, text: body, edited: timeOf(actor) }));
}

/** Delete one's own comment (its place in the thread stays, as "deleted"). */
export function deleteComment(doc: Y.Doc, threadId: string, messageId: string, actor: Actor): void {
  const { mine, value } = ownMessage(doc, threadId, messageId, actor);
  mutate(doc, actor, () => mine.set(messageId, { at: value.at, text: '', deleted: true }));
}

/** Resolve a thread (it leaves the list of open threads; anyone may reopen it). */
export function resolveThread(doc: Y.Doc, threadId: string, actor: Actor): void {
  const thread = threadMap(doc, threadId);
  mutate(doc, actor, () => thread.set('resolved', { by: actor.memberId, at: timeOf(actor) }));
}

/** Reopen a resolved thread. */
export function reopenThread(doc: Y.Doc, threadId: string, actor: Actor): void {
  const thread = threadMap(doc, threadId);
  mutate(doc, actor, () => thread.set('resolved', null));
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
