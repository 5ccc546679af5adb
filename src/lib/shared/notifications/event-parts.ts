/**
 * Pieces every kind of notification is built from (issue 19): the event's stable key and
 * link, titles as a notification shows them, and which moments are recent enough to announce.
 */
import type { NotificationKind } from './prefs';
import { englishText, type NotifyText } from './texts';

/** A member as the relay knows them (active members only). */
export interface NotifyMember {
  id: string;
  role: 'admin' | 'editor' | 'viewer';
  coordinator: boolean;
}

export interface DocContext {
  workspaceId: string;
  docId: string;
  now: number;
  members: readonly NotifyMember[];
}

/** One thing to tell some members. */
export interface NotificationEvent {
  /** Stable across evaluations and instances: `<kind>:<workspace>/<doc>/<block>:<moment>`. */
  key: string;
  kind: NotificationKind;
  recipients: string[];
  /** Short text: what happened and the block's title, in English (`text` in English). */
  body: string;
  /** The same words as a message key and parameters, said in each recipient's language when sent. */
  text: NotifyText;
  /** Path in the app: the document at the block. */
  url: string;
  /** When it happened or became due (ms). */
  at: number;
}

/** What one evaluation found: events, and moments to look again. */
export interface Found {
  events: NotificationEvent[];
  wake: number[];
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Moments older than this are not announced (a server started on old data stays quiet). */
export const RECENT_MS = 2 * DAY;
/** Titles are cut to this many characters in a notification. */
export const MAX_TITLE = 80;

/** A block title as a notification shows it. */
export function shortTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim() || 'Untitled';
  return [...t].length > MAX_TITLE ? [...t].slice(0, MAX_TITLE - 1).join('') + '…' : t;
}

/** A notification's words as an event holds them: the English `body` and the `text` it is made from. */
export const said = (text: NotifyText): Pick<NotificationEvent, 'body' | 'text'> => ({ body: englishText(text), text });

/** An event about block `blockId`, linking to it unless `url` is given. */
export function event(kind: NotificationKind, ctx: DocContext, blockId: string, moment: string | number, recipients: string[], text: NotifyText, at: number, url?: string): NotificationEvent {
  return {
    key: `${kind}:${ctx.workspaceId}/${ctx.docId}/${blockId}:${moment}`,
    kind,
    recipients: [...new Set(recipients)].sort(),
    ...said(text),
    url: url ?? `/w/${ctx.workspaceId}/d/${ctx.docId}#block-${blockId}`,
    at
  };
}

export const recent = (at: number | null, now: number): at is number => at !== null && at <= now && now - at <= RECENT_MS;
export const isMember = (ctx: DocContext, id: string | null | undefined): id is string => typeof id === 'string' && ctx.members.some((m) => m.id === id);
