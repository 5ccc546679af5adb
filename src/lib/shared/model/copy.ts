/**
 * Copy and paste of blocks. A pasted block is always a NEW block with a new id
 * and a fresh state (a draft proposal without ballots, an unclaimed task, an
 * open need), never a second node pointing at the same state: two nodes sharing
 * one block would make a vote in one place silently appear in another.
 *
 * The snapshot is plain JSON so it can travel through the clipboard between
 * documents and workspaces; a snapshot read from the clipboard is untrusted and
 * is checked by {@link parseBlockSnapshot}.
 */
import type * as Y from 'yjs';
import { createAgendaItem, readAgendaItem, AgendaItemKinds, type AgendaItemKind } from './agenda';
import { ModelError } from './errors';
import type { Actor } from './doc';
import { isMethodId, type MethodId, type ProposalOption } from './methods/index';
import { createNeed, readNeed, NeedKinds, Urgencies, type NeedKind, type Urgency } from './need';
import { createProposal, type ProposalInput } from './proposal';
import { isOption, isQuorum, readProposal, type Quorum } from './proposal-read';
import { createTask, readTask } from './task';
import { isBoolean, isFiniteNumber, isIsoDate, isRecord, isString, oneOf, orNull } from './validate';

/** Copyable settings of a block (never its ballots, claims, matches or status). */
export type BlockSnapshot =
  | { v: 1; type: 'proposal'; title: string; method: MethodId; options: ProposalOption[]; quorum: Quorum | null; standAsideLimit: number | null; resultsHidden: boolean; secret?: boolean; liveResults?: boolean }
  | { v: 1; type: 'task'; title: string; due: string | null; coLeadWanted: boolean; newcomerFriendly: boolean }
  | { v: 1; type: 'need'; kind: NeedKind; title: string; category: string; urgency: Urgency; area: string; when: string }
  | { v: 1; type: 'agenda-item'; title: string; owner: string | null; timebox: number; kind: AgendaItemKind };

/** The copyable settings of a block, or null when it is missing or unreadable. */
export function cloneBlockState(doc: Y.Doc, blockId: string): BlockSnapshot | null {
  const p = readProposal(doc, blockId).value;
  if (p && p.method) {
    return { v: 1, type: 'proposal', title: p.title, method: p.method, options: p.options.map((o) => ({ ...o })), quorum: p.quorum, standAsideLimit: p.standAsideLimit, resultsHidden: p.resultsHidden, ...(p.secret ? { secret: true, liveResults: p.liveResults } : {}) };
  }
  const t = readTask(doc, blockId).value;
  if (t) return { v: 1, type: 'task', title: t.title, due: t.due, coLeadWanted: t.coLeadWanted, newcomerFriendly: t.newcomerFriendly };
  const n = readNeed(doc, blockId).value;
  if (n) return { v: 1, type: 'need', kind: n.kind, title: n.title, category: n.category, urgency: n.urgency, area: n.area, when: n.when };
  const a = readAgendaItem(doc, blockId).value;
  if (a) return { v: 1, type: 'agenda-item', title: a.title, owner: a.owner, timebox: a.timebox, kind: a.kind };
  return null;
}

/** Check a snapshot from the clipboard; a string is why it is refused. */
export function parseBlockSnapshot(raw: unknown): BlockSnapshot | string {
  if (!isRecord(raw) || raw.v !== 1 || !isString(raw.title)) return 'not a Mutual block';
  const title = raw.title;
  switch (raw.type) {
    case 'proposal':
      if (!isMethodId(raw.method) || !Array.isArray(raw.options) || !raw.options.every(isOption)) return 'malformed proposal';
      if (!orNull(isQuorum)(raw.quorum) || !orNull(isFiniteNumber)(raw.standAsideLimit) || !isBoolean(raw.resultsHidden)) return 'malformed proposal';
      return { v: 1, type: 'proposal', title, method: raw.method, options: raw.options.map((o) => ({ id: o.id, label: o.label })), quorum: raw.quorum, standAsideLimit: raw.standAsideLimit, resultsHidden: raw.resultsHidden, ...(raw.secret === true ? { secret: true, liveResults: raw.liveResults === true } : {}) };
    case 'task':
      if (!orNull(isIsoDate)(raw.due) || !isBoolean(raw.coLeadWanted) || !isBoolean(raw.newcomerFriendly)) return 'malformed task';
      return { v: 1, type: 'task', title, due: raw.due, coLeadWanted: raw.coLeadWanted, newcomerFriendly: raw.newcomerFriendly };
    case 'need':
      if (!oneOf(NeedKinds)(raw.kind) || !isString(raw.category) || !oneOf(Urgencies)(raw.urgency) || !isString(raw.area) || !isString(raw.when)) return 'malformed need';
      return { v: 1, type: 'need', kind: raw.kind, title, category: raw.category, urgency: raw.urgency, area: raw.area, when: raw.when };
    case 'agenda-item':
      if (!orNull(isString)(raw.owner) || !isFiniteNumber(raw.timebox) || !oneOf(AgendaItemKinds)(raw.kind)) return 'malformed agenda item';
      return { v: 1, type: 'agenda-item', title, owner: raw.owner, timebox: raw.timebox, kind: raw.kind };
    default:
      return `unknown block type "${String(raw.type)}"`;
  }
}

/** Create a new block from a snapshot (paste); returns the new block id. */
export function insertBlockCopy(doc: Y.Doc, snapshot: BlockSnapshot, actor: Actor, id?: string): string {
  switch (snapshot.type) {
    case 'proposal': {
      const input: ProposalInput = { title: snapshot.title, method: snapshot.method, options: snapshot.options, quorum: snapshot.quorum, standAsideLimit: snapshot.standAsideLimit, resultsHidden: snapshot.resultsHidden, secret: snapshot.secret, liveResults: snapshot.liveResults };
      return createProposal(doc, id === undefined ? input : { ...input, id }, actor);
    }
    case 'task':
      return createTask(doc, { id, title: snapshot.title, due: snapshot.due, coLeadWanted: snapshot.coLeadWanted, newcomerFriendly: snapshot.newcomerFriendly }, actor);
    case 'need':
      return createNeed(doc, { id, kind: snapshot.kind, title: snapshot.title, category: snapshot.category, urgency: snapshot.urgency, area: snapshot.area, when: snapshot.when }, actor);
    case 'agenda-item':
      return createAgendaItem(doc, { id, title: snapshot.title, owner: snapshot.owner, timebox: snapshot.timebox, kind: snapshot.kind }, actor);
  }
}

/** Copy a block within a document or into another (`target`); returns the copy's new id. */
export function copyBlock(source: Y.Doc, blockId: string, actor: Actor, target: Y.Doc = source): string {
  const snapshot = cloneBlockState(source, blockId);
  if (!snapshot) throw new ModelError('not-found', 'This block cannot be copied (it is missing or damaged).');
  return insertBlockCopy(target, snapshot, actor);
}
