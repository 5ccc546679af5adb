/**
 * @mentions in comments (issue 22). A mention is stored in a comment's text as `@{memberId}`,
 * bound to the member, and shown with the member's current name (renaming the member renames
 * every mention of them). What a mentioned member is waiting on — and what a notifier needs to
 * tell them — is a {@link MentionEntry}: read from a document's open threads with its summary.
 */
import type { CommentThread } from './comments';
import { foldText } from '../search/fold';

/** A mention as stored in a comment's text. */
const MENTION = /@\{([A-Za-z0-9_-]{1,64})\}/g;

/** A run of a comment's text: words, or a mention of a member. */
export type MentionPart = { text: string } | { memberId: string };

/** A member picked in the composer, as it shows while typing ("@Ana"). */
export interface MentionPick {
  id: string;
  name: string;
}

/** The stored form of one mention. */
export function mentionToken(memberId: string): string {
  return `@{${memberId}}`;
}

/**
 * The "thread" of a document's text mentions (text-mentions.ts): opening the document marks it
 * seen. Here rather than there so the document page, which marks it, does not carry the reading
 * of a document's text (issue 25).
 */
export function textThreadOf(docId: string): string {
  return `doc:${docId}`;
}

/** Members mentioned in a text, each once, in order. */
export function mentionedIn(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!))];
}

/** A stored text as words and mentions (to show with current names). */
export function mentionParts(text: string): MentionPart[] {
  const parts: MentionPart[] = [];
  let cursor = 0;
  for (const m of text.matchAll(MENTION)) {
    if (m.index > cursor) parts.push({ text: text.slice(cursor, m.index) });
    parts.push({ memberId: m[1]! });
    cursor = m.index + m[0].length;
  }
  if (cursor < text.length) parts.push({ text: text.slice(cursor) });
  return parts;
}

const MEMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `value` looks like a member id (what a mention may be bound to). */
export function isMemberId(value: unknown): value is string {
  return typeof value === 'string' && MEMBER_ID.test(value);
}

/** Members whose name starts with what was typed after "@" (accents and case ignored), at most `limit`. */
export function matchMembers<T extends { name: string }>(members: readonly T[], typed: string, limit = 6): T[] {
  const query = foldText(typed);
  return members.filter((m) => foldText(m.name).startsWith(query)).slice(0, limit);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the person typed ("@Ana, can you…") with the members they picked, as stored (`@{id}`). */
export function encodeMentions(display: string, picks: readonly MentionPick[]): string {
  let text = display;
  // Longest names first: "@Ana Maria" before "@Ana".
  for (const pick of [...picks].sort((a, b) => b.name.length - a.name.length)) {
    text = text.replace(new RegExp(`@${escape(pick.name)}(?![\\p{L}\\p{N}])`, 'gu'), mentionToken(pick.id));
  }
  return text;
}

/** A stored text back as the person sees it while editing, with the picks it holds. */
export function decodeMentions(text: string, nameOf: (memberId: string) => string): { display: string; picks: MentionPick[] } {
  const picks = new Map<string, MentionPick>();
  const display = mentionParts(text)
    .map((part) => {
      if ('text' in part) return part.text;
      const pick = { id: part.memberId, name: nameOf(part.memberId) };
      picks.set(pick.id, pick);
      return `@${pick.name}`;
    })
    .join('');
  return { display, picks: [...picks.values()] };
}

/**
 * A member mentioned in an open thread: what "What needs me" lists until they open it, and
 * what a notifier (issue 19) would send — who, where, by whom, when, and a short excerpt.
 */
export interface MentionEntry {
  docId: string;
  threadId: string;
  messageId: string;
  /** The member mentioned. */
  member: string;
  /** Who wrote the comment. */
  by: string;
  at: number;
  /** The comment's text (stored form, ≤ 200 characters; show it with `mentionParts`). */
  excerpt: string;
  /** The words the thread is about (a mention in the text: the words around it). */
  quote: string;
  /**
   * Set for a mention written in the document's text (text-mentions.ts): the paragraph it is
   * in (`p<n>`), where its link opens the document. Absent for a comment's mention.
   */
  place?: `p${number}`;
}

/** Mentions in a document's open threads (a mention of oneself is not listed). */
export function mentionsIn(docId: string, threads: readonly CommentThread[]): MentionEntry[] {
  return threads
    .filter((t) => !t.resolved)
    .flatMap((t) =>
      t.messages
        .filter((m) => !m.deleted)
        .flatMap((m) =>
          mentionedIn(m.text)
            .filter((member) => member !== m.author)
            .map((member) => ({ docId, threadId: t.id, messageId: m.id, member, by: m.author, at: m.at, excerpt: m.text.slice(0, 200), quote: t.quote }))
        )
    );
}

/**
 * A member's mentions not opened yet, newest first. `seen`: per thread, when the member last
 * opened it (kept by their device).
 */
export function mentionsFor(entries: readonly MentionEntry[], memberId: string, seen: (threadId: string) => number): MentionEntry[] {
  return entries.filter((e) => e.member === memberId && e.at > seen(e.threadId)).sort((a, b) => b.at - a.at);
}
