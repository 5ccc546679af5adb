/**
 * Writing comments (issue 22): starting a thread, replying, editing and deleting one's own
 * words, resolving and reopening. What is stored and how it is read: comments.ts. Apart from it
 * so the document page, which only counts open threads, does not carry these (issue 25).
 */
import * as Y from 'yjs';
import { MAX_QUOTE_LENGTH, MESSAGES_KEY, QUOTE_ANCHOR } from './authority';
import { getComments, MAX_COMMENT_LENGTH } from './comments';
import { mutate, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { isRecord } from './validate';

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
