/**
 * Meeting facilitation (issue 11): one value in the document's meta map, the current agenda
 * item and the instant its timebox started. Every device computes the shared countdown from
 * that instant, so they agree to within their clock difference. Apart from agenda.ts (items),
 * which every editor needs to insert an item, so that the facilitation comes with the agenda's
 * view and the meeting bar (issue 25).
 */
import type * as Y from 'yjs';
import { getBlockMap, getMeta, mutate, requireBlock, timeOf, type Actor } from './doc';
import { agendaOrder, readAgendaItem } from './agenda';
import { isFiniteNumber, isRecord, isString, orNull, type Read } from './validate';

/** Shared facilitation state as stored in meta. */
export interface Facilitation {
  currentItem: string | null;
  /** When the current item's timebox started (facilitator's clock). */
  startedAt: number | null;
  by: string;
}

/** The shared countdown, computed from the stored start instant and a device's `now`. */
export interface FacilitationState extends Facilitation {
  timeboxMs: number;
  remainingMs: number;
  overrunMs: number;
}

/**
 * Start discussing an item: it becomes the current item for everyone and its
 * countdown starts now. The previous current item, if still discussing, is done.
 */
export function startAgendaItem(doc: Y.Doc, itemId: string, actor: Actor): void {
  const block = requireBlock(doc, itemId, 'agenda-item');
  const previous = readFacilitation(doc).value?.currentItem ?? null;
  const prevBlock = previous && previous !== itemId ? getBlockMap(doc, previous) : undefined;
  const value: Facilitation = { currentItem: itemId, startedAt: timeOf(actor), by: actor.memberId };
  mutate(doc, actor, () => {
    if (prevBlock && prevBlock.get('status') === 'discussing') prevBlock.set('status', 'done');
    block.set('status', 'discussing');
    getMeta(doc).set('facilitation', value);
  });
}

/** Finish the current item and start the next pending one in agenda order; returns its id or null. */
export function nextAgendaItem(doc: Y.Doc, actor: Actor): string | null {
  const next = agendaOrder(doc).value.find((i) => i.status === 'pending');
  if (next) {
    startAgendaItem(doc, next.id, actor);
    return next.id;
  }
  stopFacilitation(doc, actor);
  return null;
}

/** End facilitation mode (the current item, if discussing, is done). */
export function stopFacilitation(doc: Y.Doc, actor: Actor): void {
  const current = readFacilitation(doc).value?.currentItem ?? null;
  const block = current ? getBlockMap(doc, current) : undefined;
  mutate(doc, actor, () => {
    if (block && block.get('status') === 'discussing') block.set('status', 'done');
    getMeta(doc).set('facilitation', { currentItem: null, startedAt: null, by: actor.memberId });
  });
}

/** The stored facilitation value, or null when none (or malformed, with an issue). */
export function readFacilitation(doc: Y.Doc): Read<Facilitation | null> {
  const raw = getMeta(doc).get('facilitation');
  if (raw === undefined) return { value: null, issues: [] };
  if (!isRecord(raw) || !orNull(isString)(raw.currentItem) || !orNull(isFiniteNumber)(raw.startedAt) || !isString(raw.by)) {
    return { value: null, issues: [{ blockId: '', reason: 'facilitation state is malformed; ignored' }] };
  }
  return { value: { currentItem: raw.currentItem, startedAt: raw.startedAt, by: raw.by }, issues: [] };
}

/** The countdown of the current item at `now` (this device's clock). */
export function facilitationState(doc: Y.Doc, now: number): Read<FacilitationState | null> {
  const f = readFacilitation(doc);
  if (!f.value || f.value.currentItem === null || f.value.startedAt === null) return { value: null, issues: f.issues };
  const item = readAgendaItem(doc, f.value.currentItem);
  if (!item.value) return { value: null, issues: [...f.issues, ...item.issues] };
  const timeboxMs = item.value.timebox * 60_000;
  const elapsed = Math.max(0, now - f.value.startedAt);
  return {
    value: { ...f.value, timeboxMs, remainingMs: Math.max(0, timeboxMs - elapsed), overrunMs: Math.max(0, elapsed - timeboxMs) },
    issues: [...f.issues, ...item.issues]
  };
}
