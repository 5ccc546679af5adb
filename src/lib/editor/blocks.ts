import type * as Y from 'yjs';
import { createAgendaItem, readAgendaItem } from '../shared/model/agenda.ts';
import { getBlockMap, type Actor } from '../shared/model/doc.ts';
import { createNeed, readNeed } from '../shared/model/need.ts';
import { createProposal, newProposalInput } from '../shared/model/proposal.ts';
import { readProposal } from '../shared/model/proposal-read.ts';
import type { BlockType } from '../shared/model/schema.ts';
import { createTask, readTask } from '../shared/model/task.ts';
import type { BlockKind } from './nodes/BlockNode.ts';
import type { BlockCopier } from './plugins/paste.ts';
import { m } from '../paraglide/messages.js';

/**
 * The editor's only door into the block model: create a block's state for a new node,
 * and copy one for a pasted node. Everything else (votes, claims) the block views do
 * through the model directly.
 *
 * The node's kind says 'agenda' (issue 4's word for the slash menu and node JSON); the
 * model stores 'agenda-item'. This is the one place that maps between them.
 */
export const MODEL_TYPE: Record<BlockKind, BlockType> = {
  proposal: 'proposal',
  task: 'task',
  need: 'need',
  agenda: 'agenda-item'
};

/** Default title of a new block; people rename it in the block itself. */
const NEW_TITLES: Record<BlockKind, () => string> = {
  proposal: m.new_document_new_proposal,
  task: m.blocks_new_task,
  need: m.blocks_new_need_or_offer,
  agenda: m.meeting_bar_new_agenda_item
};

/** Create the state of a new block of `kind` in `doc`; returns its id. */
export function createBlockState(doc: Y.Doc, kind: BlockKind, actor: Actor, title = NEW_TITLES[kind]()): string {
  switch (kind) {
    case 'proposal':
      // Consent with a quorum of half the voting members (issue 16): never "passed" by nobody.
      return createProposal(doc, newProposalInput(title), actor);
    case 'task':
      return createTask(doc, { title }, actor);
    case 'need':
      return createNeed(doc, { kind: 'ask', title, category: 'other' }, actor);
    case 'agenda':
      return createAgendaItem(doc, { title }, actor);
  }
}

/**
 * Copy a block's settings (not its ballots, claims or history: a copy is a new decision or
 * task) under a new id in `target`. When the source state cannot be found (pasted from
 * another tab or device) a fresh block of the same kind is created.
 */
export function copyBlockState(target: Y.Doc, blockId: string, kind: BlockKind, source: Y.Doc | null, actor: Actor): string {
  const from = [target, source].find((d): d is Y.Doc => d !== null && getBlockMap(d, blockId) !== undefined) ?? null;
  if (from === null) return createBlockState(target, kind, actor);
  switch (kind) {
    case 'proposal': {
      const p = readProposal(from, blockId).value;
      if (!p || p.method === null) return createBlockState(target, kind, actor);
      return createProposal(
        target,
        {
          title: `${p.title} (copy)`,
          method: p.method,
          options: p.options.map((o) => ({ label: o.label })),
          quorum: p.quorum,
          standAsideLimit: p.standAsideLimit,
          resultsHidden: p.resultsHidden
        },
        actor
      );
    }
    case 'task': {
      const t = readTask(from, blockId).value;
      if (!t) return createBlockState(target, kind, actor);
      return createTask(target, { title: `${t.title} (copy)`, due: t.due, coLeadWanted: t.coLeadWanted, newcomerFriendly: t.newcomerFriendly }, actor);
    }
    case 'need': {
      const n = readNeed(from, blockId).value;
      if (!n) return createBlockState(target, kind, actor);
      return createNeed(target, { kind: n.kind, title: `${n.title} (copy)`, category: n.category, urgency: n.urgency, area: n.area, when: n.when }, actor);
    }
    case 'agenda': {
      const a = readAgendaItem(from, blockId).value;
      if (!a) return createBlockState(target, kind, actor);
      // The linked proposal stays with the original; the copy is a new item to discuss.
      return createAgendaItem(target, { title: `${a.title} (copy)`, owner: a.owner, timebox: a.timebox, kind: a.kind }, actor);
    }
  }
}

/** A {@link BlockCopier} for the paste path, acting as `actor` on `doc`. */
export function blockCopier(doc: Y.Doc, actor: () => Actor): BlockCopier {
  return {
    copy: (blockId, kind, source) => {
      try {
        return copyBlockState(doc, blockId, kind, source, actor());
      } catch (error) {
        // A malformed source must not break the whole paste: drop that block, say why.
        console.warn('Mutual: could not copy a pasted block; it was left out.', error);
        return null;
      }
    }
  };
}
