import { createHeadlessEditor } from '@lexical/headless';
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text';
import { createBinding, syncLexicalUpdateToYjs, type Provider } from '@lexical/yjs';
import { $createParagraphNode, $createTextNode, $getRoot, type ElementNode } from 'lexical';
import * as Y from 'yjs';
import { initDocument, type Actor } from '../shared/model/doc.ts';
import { createProposal, newProposalInput } from '../shared/model/proposal.ts';
import { $createBlockNode } from './nodes/BlockNode.ts';
import { DocKeys, type DocKind } from '../shared/model/schema.ts';
import { mutualNodes } from './nodes/registry.ts';
import { agendaTemplate } from './agenda-template.ts';
import type { DocumentTemplate, SeedMeta } from './template-types.ts';
import { m } from '../paraglide/messages.js';

export type { DocumentTemplate, SeedMeta } from './template-types.ts';
// Split out so a page can ask "has it content?" without loading the templates (issue 25).
export { SEEDED_KEY, hasContent, isSeeded } from './seeded.ts';
import { SEEDED_KEY } from './seeded.ts';

/** Transaction origin of seeding, so observers can tell it from people's edits. */
export const SEED_ORIGIN = Symbol('mutual-seed');

/**
 * Write a new document's first content into its Y.Doc, once.
 *
 * Why: an editor bound to an empty document shows nothing and inserts nothing; if every
 * client bootstrapped an empty root (as upstream's CollaborationPlugin does), two people
 * opening a new document together would each insert a first paragraph, and both would
 * survive the merge. So the creator seeds, before sharing, and only the creator.
 *
 * The `seeded` check, the flag and the content are one Yjs transaction, so a replica
 * never sees the flag without the content. The flag cannot stop two *disconnected*
 * replicas that both call this (nothing local can): after they merge, the root holds both
 * seeds, one after the other. Only the document's creator may call it (the app does so
 * right after creating the document), which makes that case impossible in practice; the
 * unit tests pin the behaviour down.
 *
 * @returns true when this call seeded the document, false when it was already seeded.
 */
export function seedDocument(doc: Y.Doc, template: DocumentTemplate = blankTemplate, init?: SeedMeta): boolean {
  const meta = doc.getMap(DocKeys.meta);
  const xmlRoot = doc.get(DocKeys.root, Y.XmlText);
  if (meta.get(SEEDED_KEY) === true) return false;
  let seeded = false;
  doc.transact(() => {
    // Re-check inside the transaction: an observer may have seeded in between.
    if (meta.get(SEEDED_KEY) === true || xmlRoot.length > 0) return;
    // Applying an update nests into this transaction, so the check, the content and the flag
    // are atomic. The flag is written in the scratch doc too: Yjs marks a transaction that
    // applies an update as remote, and a local write inside a remote transaction makes Yjs
    // think another client uses our clientID (it then picks a new one, losing presence).
    Y.applyUpdate(doc, renderTemplate(template, init));
    seeded = true;
  }, SEED_ORIGIN);
  return seeded;
}



/**
 * Run the template in a throwaway headless editor bound to a scratch Y.Doc and return that
 * doc's content as an update.
 *
 * Why a scratch doc: @lexical/yjs caches its collab node on each shared type
 * (`xmlText._collabNode`), so a second binding over the live doc would hijack the nodes of
 * an editor already bound to it and that editor would render the seed twice. Block state a
 * template creates goes into the scratch doc too, and arrives with the text in one update.
 */
function renderTemplate(template: DocumentTemplate, init: SeedMeta | undefined): Uint8Array {
  const doc = new Y.Doc();
  const editor = createHeadlessEditor({
    namespace: 'mutual-seed',
    nodes: [...mutualNodes],
    onError: (error) => {
      throw error;
    }
  });
  // Seeding publishes no presence; @lexical/yjs only reads awareness.getLocalState().
  const provider = { awareness: { getLocalState: () => null } } as unknown as Provider;
  const binding = createBinding(editor, provider, 'seed', doc, new Map([['seed', doc]]));
  const stop = editor.registerUpdateListener((u) =>
    syncLexicalUpdateToYjs(binding, provider, u.prevEditorState, u.editorState, u.dirtyElements, u.dirtyLeaves, u.normalizedNodes, u.tags)
  );
  try {
    editor.update(() => template($getRoot(), doc, init), { discrete: true });
  } finally {
    stop();
  }
  // The model's initDocument writes kind, title, created and the same `seeded` flag.
  if (init) initDocument(doc, { kind: init.kind, title: init.title }, init.actor);
  else doc.getMap(DocKeys.meta).set(SEEDED_KEY, true);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** One empty paragraph: the least content an editable document needs. */
export const blankTemplate: DocumentTemplate = (root) => {
  root.append($createParagraphNode());
};

function heading(text: string, level: 'h1' | 'h2' = 'h2'): ElementNode {
  return $createHeadingNode(level).append($createTextNode(text));
}

function paragraph(text = ''): ElementNode {
  const p = $createParagraphNode();
  return text ? p.append($createTextNode(text)) : p;
}

/** Templates of the document kinds (blocks in them are created through the model, in the scratch doc). */
export const templates: Record<'page' | 'agenda' | 'proposal' | 'needs', DocumentTemplate> = {
  page: blankTemplate,
  // Check-in, items (one group-health item to start), appreciations, next meeting (issue 11).
  agenda: agendaTemplate(),
  // A proposal document holds its proposal, ready to draft (issue 16: people were told to
  // type "/" to get one). Its settings start as every new proposal's: consent, quorum of half.
  proposal: (root, doc, init) => {
    const actor: Actor = init?.actor ?? { memberId: '' };
    const id = createProposal(doc, newProposalInput(init?.title ?? m.new_document_new_proposal()), actor);
    root.append(
      heading(m.agenda_view_proposal(), 'h1'),
      heading(m.template_proposal_what()),
      paragraph(),
      heading(m.template_proposal_why()),
      paragraph(),
      heading(m.template_proposal_deciding()),
      $createQuoteNode().append($createTextNode(m.template_proposal_deciding_text())),
      $createBlockNode(id, 'proposal'),
      paragraph()
    );
  },
  needs: (root) => {
    root.append(
      heading(m.template_needs_title(), 'h1'),
      paragraph(m.template_needs_text()),
      paragraph()
    );
  }
};
