/**
 * A member's private answers (issue 24): one document per member and workspace,
 * `member-private-<memberId>`, that the relay serves only to that member's own devices. The
 * relay reads it to publish totals into shared documents (private-totals.ts); nobody else
 * ever receives it.
 *
 * Member-private Y.Doc
 * └── answers  Y.Map  "<aggregator>:<targetDocId>:<subject>" → plain JSON value
 *
 * One key per question, so answers to different questions made on two of the member's devices
 * both stay; the same question answered on two devices keeps the later write (last writer wins
 * only ever arbitrates between one member's devices). The key names the aggregator that turns
 * everybody's answers into totals, the shared document the totals are written into, and the
 * subject there (a proposal id, a week). Ids match the contract's id pattern, so ':' never
 * appears inside one.
 */
import type * as Y from 'yjs';
import { ID_PATTERN, MEMBER_PRIVATE_DOC_PREFIX } from '../protocol';
import { ANSWERS_ROOT } from './authority';
import { mutate, type Actor } from './doc';
import { ModelError } from './errors';

/** Top-level key of a member-private document. */
export const PrivateAnswerKeys = { answers: ANSWERS_ROOT } as const;

/** Aggregator ids: lower-case words (`ballot`, `pulse`). */
const AGGREGATOR_ID = /^[a-z][a-z0-9-]{0,31}$/;

/** Where an answer belongs: which aggregator counts it, into which document, about what. */
export interface AnswerKey {
  aggregator: string;
  docId: string;
  subject: string;
}

/** One stored answer with its key. */
export interface StoredAnswer {
  key: AnswerKey;
  value: unknown;
}

/** Id of member `memberId`'s private document; null when it would break the id pattern. */
export function memberPrivateDocId(memberId: string): string | null {
  const id = `${MEMBER_PRIVATE_DOC_PREFIX}${memberId}`;
  return ID_PATTERN.test(id) && ID_PATTERN.test(memberId) ? id : null;
}

/** The member whose private document `docId` is, or null when it is not one. */
export function ownerOfMemberPrivateDoc(docId: string): string | null {
  if (!docId.startsWith(MEMBER_PRIVATE_DOC_PREFIX) || !ID_PATTERN.test(docId)) return null;
  const owner = docId.slice(MEMBER_PRIVATE_DOC_PREFIX.length);
  return owner.length > 0 ? owner : null;
}

/** True when `docId` is some member's private document. */
export function isMemberPrivateDoc(docId: string): boolean {
  return ownerOfMemberPrivateDoc(docId) !== null;
}

/** The map key of an answer. */
export function answerKey(key: AnswerKey): string {
  return `${key.aggregator}:${key.docId}:${key.subject}`;
}

/** The answer key a map key names, or null when it is malformed (peer data). */
export function parseAnswerKey(text: string): AnswerKey | null {
  const parts = text.split(':');
  if (parts.length !== 3) return null;
  const [aggregator, docId, subject] = parts as [string, string, string];
  if (!AGGREGATOR_ID.test(aggregator) || !ID_PATTERN.test(docId) || !ID_PATTERN.test(subject)) return null;
  return { aggregator, docId, subject };
}

function answersOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(PrivateAnswerKeys.answers);
}

function checkKey(key: AnswerKey): string {
  const text = answerKey(key);
  if (!parseAnswerKey(text)) throw new ModelError('invalid-input', 'This answer has no valid place (aggregator, document, subject).');
  return text;
}

/**
 * Write (or replace) the member's answer. `value` must be plain JSON (Yjs stores it whole);
 * it goes to the member's private document only — callers pass that document.
 */
export function setAnswer(doc: Y.Doc, key: AnswerKey, value: unknown, actor: Actor): void {
  const text = checkKey(key);
  if (value === undefined) throw new ModelError('invalid-input', 'An answer needs a value.');
  const plain: unknown = JSON.parse(JSON.stringify(value));
  mutate(doc, actor, () => answersOf(doc).set(text, plain));
}

/** Remove the member's answer (withdrawn); nothing when there is none. */
export function clearAnswer(doc: Y.Doc, key: AnswerKey, actor: Actor): void {
  const text = checkKey(key);
  if (!answersOf(doc).has(text)) return;
  mutate(doc, actor, () => answersOf(doc).delete(text));
}

/** The stored answer for `key`, or undefined. Callers validate its shape (aggregator `parse`). */
export function readAnswer(doc: Y.Doc, key: AnswerKey): unknown {
  return answersOf(doc).get(answerKey(key));
}

/** Every answer with a well-formed key, in key order. */
export function answersIn(doc: Y.Doc): StoredAnswer[] {
  const out: StoredAnswer[] = [];
  answersOf(doc).forEach((value, text) => {
    const key = parseAnswerKey(text);
    if (key) out.push({ key, value });
  });
  return out.sort((a, b) => (answerKey(a.key) < answerKey(b.key) ? -1 : 1));
}
