/**
 * Needs board entries: asks and offers. Descriptive fields are plain keys; the
 * status and matches are an append-only event log per entry.
 *
 * Matching rule: the ASK's log is the authority for a match. A match on an ask
 * that is already matched (two coordinators matching concurrently) is
 * superseded by the one ordered first. An offer's log keeps a mirror of each
 * match for its history, but whether an offer is matched is derived from the
 * asks whose effective match points to it, so the two sides can never disagree.
 * An offer may serve several asks.
 *
 * Contact details are NOT here: they live in a separate access-controlled
 * document (issue 10). `area` is coarse (a neighbourhood), never an address.
 */
import * as Y from 'yjs';
import { checkNewBlockId, insertBlock, listBlockIds, mutate, requireBlock, timeOf, getBlockMap, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { IssueLog, compact, isFiniteNumber, isRecord, isString, oneOf, readField, type ModelIssue, type Read } from './validate';

export const NeedKinds = ['ask', 'offer'] as const;
export type NeedKind = (typeof NeedKinds)[number];
export const NeedStatuses = ['open', 'matched', 'fulfilled', 'withdrawn'] as const;
export type NeedStatus = (typeof NeedStatuses)[number];
export const Urgencies = ['low', 'normal', 'urgent'] as const;
export type Urgency = (typeof Urgencies)[number];
/** Suggested categories; groups may use their own words too (any short text). */
export const NeedCategories = ['food', 'clothing', 'housing', 'transport', 'childcare', 'money', 'medical', 'other'] as const;
export type NeedCategory = (typeof NeedCategories)[number];
/** Longest `area` text: a neighbourhood or district, not a street address. */
export const MAX_AREA_LENGTH = 60;

/** What an ask is matched with: an offer entry on the board, or a member who volunteers. */
export type MatchTarget = { entry: string } | { member: string };

export type NeedEvent =
  | { type: 'match'; with: MatchTarget; by: string; at: number }
  | { type: 'unmatch'; by: string; at: number; reason?: string }
  | { type: 'fulfil'; by: string; at: number }
  | { type: 'withdraw'; by: string; at: number }
  | { type: 'reopen'; by: string; at: number };

export interface NeedInput {
  id?: string;
  kind: NeedKind;
  title: string;
  category: string;
  urgency?: Urgency;
  area?: string;
  /** When it is needed or available, in the group's words ("weekday evenings"). */
  when?: string;
}

/** A history entry of an entry's log. */
export interface NeedHistoryEntry {
  event: NeedEvent;
  applied: boolean;
  /** Why it had no effect, or where it is kept (English). */
  note?: string;
  /** Which note it is, for the UI to say in the reader's language (with `status` for `already-closed`). */
  why?: NeedNote;
}

/** The notes of a need's history (see {@link needNoteText} for their English). */
export type NeedNote =
  | { kind: 'offer-side' }
  | { kind: 'already-closed'; status: 'fulfilled' | 'withdrawn' }
  | { kind: 'already-matched' }
  | { kind: 'not-matched' }
  | { kind: 'not-closed' };

/** A history note in English (the shared model's words; the app says them in the reader's language). */
export function needNoteText(why: NeedNote): string {
  switch (why.kind) {
    case 'offer-side':
      return 'Recorded on the offer; the ask holds the match.';
    case 'already-closed':
      return `Already ${why.status}.`;
    case 'already-matched':
      return 'Superseded: it was already matched.';
    case 'not-matched':
      return 'It was not matched.';
    case 'not-closed':
      return 'It was not closed.';
  }
}

/** A needs board entry as the board shows it (statuses already cross-checked). */
export interface NeedView {
  id: string;
  kind: NeedKind;
  title: string;
  category: string;
  urgency: Urgency;
  area: string;
  when: string;
  status: NeedStatus;
  /** Asks: the current match. Offers: null (see matchedAsks). */
  matchedWith: MatchTarget | null;
  /** Offers: ids of asks currently matched with this offer, sorted. */
  matchedAsks: string[];
  /** When it became fulfilled or withdrawn (issue 10's retention period starts here). */
  closedAt: number | null;
  createdAt: number;
  createdBy: string;
  history: NeedHistoryEntry[];
}

function isMatchTarget(v: unknown): v is MatchTarget {
  return isRecord(v) && (isString(v.entry) || isString(v.member));
}

function parseNeedEvent(raw: unknown): NeedEvent | string {
  if (!isRecord(raw) || !isString(raw.by) || !isFiniteNumber(raw.at)) return 'needs log entry is malformed';
  const { by, at } = raw;
  switch (raw.type) {
    case 'match':
      if (!isMatchTarget(raw.with)) return 'match entry has no target';
      return { type: 'match', with: isString((raw.with as { entry?: unknown }).entry) ? { entry: (raw.with as { entry: string }).entry } : { member: (raw.with as { member: string }).member }, by, at };
    case 'unmatch':
      return isString(raw.reason) ? { type: 'unmatch', by, at, reason: raw.reason } : { type: 'unmatch', by, at };
    case 'fulfil':
    case 'withdraw':
    case 'reopen':
      return { type: raw.type, by, at };
    default:
      return `unknown needs log entry "${String(raw.type)}"`;
  }
}

/** Replay one entry's own log. Offers record matches without changing status (see module comment). */
function replayNeed(kind: NeedKind, events: readonly NeedEvent[]) {
  let status: NeedStatus = 'open';
  let matchedWith: MatchTarget | null = null;
  let closedAt: number | null = null;
  const history: NeedHistoryEntry[] = [];
  for (const e of events) {
    let applied = true;
    let why: NeedNote | undefined;
    const closed = status === 'fulfilled' || status === 'withdrawn';
    const closedNote = (): NeedNote => ({ kind: 'already-closed', status: status === 'withdrawn' ? 'withdrawn' : 'fulfilled' });
    if (e.type === 'match') {
      if (kind === 'offer') why = { kind: 'offer-side' };
      else if (status === 'open') [status, matchedWith] = ['matched', e.with];
      else [applied, why] = [false, closed ? closedNote() : { kind: 'already-matched' }];
    } else if (e.type === 'unmatch') {
      if (kind === 'offer') why = { kind: 'offer-side' };
      else if (status === 'matched') [status, matchedWith] = ['open', null];
      else [applied, why] = [false, { kind: 'not-matched' }];
    } else if (e.type === 'fulfil' || e.type === 'withdraw') {
      if (closed) [applied, why] = [false, closedNote()];
      else [status, closedAt] = [e.type === 'fulfil' ? 'fulfilled' : 'withdrawn', e.at];
    } else if (e.type === 'reopen') {
      if (closed) [status, matchedWith, closedAt] = ['open', null, null];
      else [applied, why] = [false, { kind: 'not-closed' }];
    }
    history.push(why === undefined ? { event: e, applied } : { event: e, applied, note: needNoteText(why), why });
  }
  return { status, matchedWith, closedAt, history };
}

function readOne(doc: Y.Doc, id: string, log: IssueLog): NeedView | null {
  const block = getBlockMap(doc, id);
  if (!block) return null;
  const kind = block.get('kind');
  if (!oneOf(NeedKinds)(kind)) {
    log.add(`unknown entry kind "${String(kind)}"; skipped`);
    return null;
  }
  const events: NeedEvent[] = [];
  const raw = block.get('events');
  if (raw instanceof Y.Array) {
    for (const entry of raw.toArray()) {
      const parsed = parseNeedEvent(entry);
      if (typeof parsed === 'string') log.add(`${parsed}; skipped`);
      else events.push(parsed);
    }
  } else log.add('needs log is missing');
  const replay = replayNeed(kind, events);
  return {
    id,
    kind,
    title: readField(block, 'title', isString, '', log),
    category: readField(block, 'category', isString, 'other', log),
    urgency: readField(block, 'urgency', oneOf(Urgencies), 'normal', log),
    area: readField(block, 'area', isString, '', log, false),
    when: readField(block, 'when', isString, '', log, false),
    status: replay.status,
    matchedWith: replay.matchedWith,
    matchedAsks: [],
    closedAt: replay.closedAt,
    createdAt: readField(block, 'createdAt', isFiniteNumber, 0, log),
    createdBy: readField(block, 'createdBy', isString, '', log),
    history: replay.history
  };
}

/** Every entry of the board, sorted by id, with offers' match status derived from the asks. */
export function readNeeds(doc: Y.Doc): Read<NeedView[]> {
  const ids = listBlockIds(doc, 'need');
  const issues: ModelIssue[] = [...ids.issues];
  const entries: NeedView[] = [];
  for (const id of ids.value) {
    const log = new IssueLog(id, issues);
    const view = readOne(doc, id, log);
    if (view) entries.push(view);
  }
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const ask of entries) {
    if (ask.kind !== 'ask' || ask.status !== 'matched' || !ask.matchedWith || !('entry' in ask.matchedWith)) continue;
    const offer = byId.get(ask.matchedWith.entry);
    if (!offer || offer.kind !== 'offer') {
      issues.push({ blockId: ask.id, reason: 'matched with an entry that is missing or not an offer' });
      continue;
    }
    offer.matchedAsks.push(ask.id);
    if (offer.status === 'open') offer.status = 'matched';
    else if (offer.status !== 'matched') issues.push({ blockId: ask.id, reason: `matched with an offer that is ${offer.status}` });
  }
  return { value: entries, issues };
}

/** One entry of the board (null with an issue when missing). */
export function readNeed(doc: Y.Doc, id: string): Read<NeedView | null> {
  const all = readNeeds(doc);
  const value = all.value.find((e) => e.id === id) ?? null;
  const issues = all.issues.filter((i) => i.blockId === id);
  if (!value) issues.push({ blockId: id, reason: 'entry not found' });
  return { value, issues };
}

function checkInput(input: Partial<NeedInput>): void {
  if (input.kind !== undefined && !oneOf(NeedKinds)(input.kind)) throw new ModelError('invalid-input', 'An entry is an ask or an offer.');
  if (input.urgency !== undefined && !oneOf(Urgencies)(input.urgency)) throw new ModelError('invalid-input', 'Urgency is low, normal or urgent.');
  if (input.category !== undefined && !(input.category.trim().length > 0 && input.category.length <= 40)) throw new ModelError('invalid-input', 'A category is a short word.');
  if (input.area !== undefined && input.area.length > MAX_AREA_LENGTH) throw new ModelError('invalid-input', 'The area is a neighbourhood or district, not an address.');
}

/** Add an ask or an offer to the board; returns its block id. */
export function createNeed(doc: Y.Doc, input: NeedInput, actor: Actor): string {
  const id = input.id ?? newBlockId();
  checkNewBlockId(doc, id);
  checkInput(input);
  mutate(doc, actor, () => {
    const block = insertBlock(doc, id, 'need', actor);
    block.set('kind', input.kind);
    block.set('title', input.title);
    block.set('category', input.category);
    block.set('urgency', input.urgency ?? 'normal');
    block.set('area', input.area ?? '');
    block.set('when', input.when ?? '');
    block.set('events', new Y.Array<NeedEvent>());
  });
  return id;
}

/** Change an entry's descriptive fields (not its kind). */
export function updateNeed(doc: Y.Doc, id: string, patch: Partial<Omit<NeedInput, 'id' | 'kind'>>, actor: Actor): void {
  const block = requireBlock(doc, id, 'need');
  checkInput(patch);
  mutate(doc, actor, () => {
    for (const [k, v] of Object.entries(compact(patch))) block.set(k, v);
  });
}

function entryOrThrow(doc: Y.Doc, id: string): { view: NeedView; events: Y.Array<NeedEvent> } {
  const events = requireBlock(doc, id, 'need').get('events');
  const view = readNeed(doc, id).value;
  if (!view || !(events instanceof Y.Array)) throw new ModelError('invalid-input', 'This entry is damaged and cannot be changed.');
  return { view, events: events as Y.Array<NeedEvent> };
}

const isClosed = (s: NeedStatus): boolean => s === 'fulfilled' || s === 'withdrawn';

/** Match an open ask with an offer on the board, or with a volunteering member. */
export function matchNeed(doc: Y.Doc, askId: string, target: MatchTarget, actor: Actor): void {
  const ask = entryOrThrow(doc, askId);
  if (ask.view.kind !== 'ask') throw new ModelError('not-matchable', 'Only an ask is matched (with an offer or a member).');
  if (ask.view.status === 'matched') throw new ModelError('already-matched', 'This ask is already matched.');
  if (ask.view.status !== 'open') throw new ModelError('entry-closed', `This ask is ${ask.view.status}.`);
  const offer = 'entry' in target ? entryOrThrow(doc, target.entry) : null;
  if (offer && offer.view.kind !== 'offer') throw new ModelError('not-matchable', 'An ask can be matched with an offer, not another ask.');
  if (offer && isClosed(offer.view.status)) throw new ModelError('entry-closed', `That offer is ${offer.view.status}.`);
  const by = actor.memberId;
  const at = timeOf(actor);
  mutate(doc, actor, () => {
    ask.events.push([{ type: 'match', with: target, by, at }]);
    offer?.events.push([{ type: 'match', with: { entry: askId }, by, at }]);
  });
}

/** Undo an ask's match (it goes back to open; the offer's record notes it too). */
export function unmatchNeed(doc: Y.Doc, askId: string, actor: Actor, reason?: string): void {
  const ask = entryOrThrow(doc, askId);
  if (ask.view.status !== 'matched' || !ask.view.matchedWith) throw new ModelError('not-matched', 'This ask is not matched.');
  const target = ask.view.matchedWith;
  const offerEvents = 'entry' in target ? getBlockMap(doc, target.entry)?.get('events') : undefined;
  const event = compact({ type: 'unmatch' as const, by: actor.memberId, at: timeOf(actor), reason: reason?.trim() || undefined });
  mutate(doc, actor, () => {
    ask.events.push([event]);
    if (offerEvents instanceof Y.Array) offerEvents.push([{ ...event }]);
  });
}

/** Entries closed together with `view`: an ask's offer, or an offer's matched asks. */
function counterparts(doc: Y.Doc, view: NeedView): Array<Y.Array<NeedEvent>> {
  const all = readNeeds(doc).value;
  const ids = view.kind === 'ask' ? (view.matchedWith && 'entry' in view.matchedWith ? [view.matchedWith.entry] : []) : view.matchedAsks;
  return ids
    .map((id) => all.find((e) => e.id === id))
    .filter((e): e is NeedView => e !== undefined && !isClosed(e.status))
    .map((e) => getBlockMap(doc, e.id)!.get('events'))
    .filter((a): a is Y.Array<NeedEvent> => a instanceof Y.Array);
}

/** Mark an entry fulfilled; its match partners (offer, or matched asks) are fulfilled with it. */
export function fulfilNeed(doc: Y.Doc, id: string, actor: Actor): void {
  const { view, events } = entryOrThrow(doc, id);
  if (isClosed(view.status)) throw new ModelError('entry-closed', `This entry is already ${view.status}.`);
  const partners = counterparts(doc, view);
  const event: NeedEvent = { type: 'fulfil', by: actor.memberId, at: timeOf(actor) };
  mutate(doc, actor, () => [events, ...partners].forEach((log) => log.push([{ ...event }])));
}

/** Withdraw an entry. Withdrawing an offer unmatches the asks matched with it (they go back to open). */
export function withdrawNeed(doc: Y.Doc, id: string, actor: Actor): void {
  const { view, events } = entryOrThrow(doc, id);
  if (isClosed(view.status)) throw new ModelError('entry-closed', `This entry is already ${view.status}.`);
  const asks = view.kind === 'offer' ? counterparts(doc, view) : [];
  const by = actor.memberId;
  const at = timeOf(actor);
  mutate(doc, actor, () => {
    events.push([{ type: 'withdraw', by, at }]);
    for (const log of asks) log.push([{ type: 'unmatch', by, at, reason: 'The offer was withdrawn.' }]);
  });
}

/** Put a fulfilled or withdrawn entry back on the board as open (unmatched). */
export function reopenNeed(doc: Y.Doc, id: string, actor: Actor): void {
  const { view, events } = entryOrThrow(doc, id);
  if (!isClosed(view.status)) throw new ModelError('invalid-input', 'This entry is still open.');
  mutate(doc, actor, () => events.push([{ type: 'reopen', by: actor.memberId, at: timeOf(actor) }]));
}

/** Board entries grouped by status; within a status, urgent first, then oldest first, then id. */
export function needsByStatus(doc: Y.Doc): Read<Record<NeedStatus, NeedView[]>> {
  const { value, issues } = readNeeds(doc);
  const groups: Record<NeedStatus, NeedView[]> = { open: [], matched: [], fulfilled: [], withdrawn: [] };
  // Higher index in Urgencies = more urgent.
  const rank = (u: Urgency): number => Urgencies.indexOf(u);
  for (const entry of value) groups[entry.status].push(entry);
  for (const list of Object.values(groups)) {
    list.sort((a, b) => rank(b.urgency) - rank(a.urgency) || a.createdAt - b.createdAt || byNeedId(a, b));
  }
  return { value: groups, issues };
}

// Read by a need's view on the document page, so here rather than with the needs board
// (needs-board.ts), which only the board page loads (issue 25).

/** Needs in a stable order where nothing else tells them apart. */
export const byNeedId = (a: NeedView, b: NeedView): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A category as people read it ("childcare" → "Childcare"). */
export function categoryLabel(category: string): string {
  return category ? category.charAt(0).toUpperCase() + category.slice(1) : 'Other';
}

/**
 * Offers an ask could be matched with: not fulfilled or withdrawn (an offer may serve several
 * asks), same category first, then same area, then oldest first.
 */
export function matchCandidates(entries: readonly NeedView[], ask: NeedView): NeedView[] {
  const area = ask.area.trim().toLowerCase();
  const score = (o: NeedView): number => (o.category === ask.category ? 2 : 0) + (area && o.area.trim().toLowerCase() === area ? 1 : 0);
  return entries
    .filter((o) => o.kind === 'offer' && (o.status === 'open' || o.status === 'matched'))
    .sort((a, b) => score(b) - score(a) || a.createdAt - b.createdAt || byNeedId(a, b));
}
