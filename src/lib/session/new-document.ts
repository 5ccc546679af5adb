/**
 * Setting up a new document, once, on the creating device before anyone else sees it:
 * its meta (kind, title) and its first content from the kind's template. Seeding from one
 * side only is what keeps two people who open a new document together from each inserting
 * a first paragraph (see src/lib/editor/seed.ts).
 */
import type * as Y from 'yjs';
import type { Actor } from '$lib/shared/model';
import type { DocKind } from '$lib/shared/model/schema';
import { seedDocument, templates } from '$lib/editor/seed';

/** Human names of the document kinds, singular and plural. */
export const KIND_LABELS: Record<DocKind, { one: string; many: string; blurb: string }> = {
  agenda: { one: 'Meeting agenda', many: 'Meeting agendas', blurb: 'Co-edit live during the meeting.' },
  proposal: { one: 'Proposal', many: 'Proposals', blurb: 'Draft together, then decide.' },
  needs: { one: 'Needs board', many: 'Needs boards', blurb: 'Asks and offers, matched by coordinators.' },
  page: { one: 'Page', many: 'Pages', blurb: 'Notes, guides, anything else.' }
};

/** Default title of a new document of `kind`. */
export function defaultTitle(kind: DocKind, now = new Date()): string {
  const day = now.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  switch (kind) {
    case 'agenda':
      return `Meeting ${day}`;
    case 'proposal':
      return 'New proposal';
    case 'needs':
      return 'Needs board';
    case 'page':
      return 'Untitled page';
  }
}

/** Title of the agenda of a meeting held on `date`: "Meeting Sat, Dec 7" (in the device's language). */
export function meetingTitle(date: Date): string {
  return `Meeting ${date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}`;
}

/**
 * `title`, or "title (2)", "title (3)"… when a document of the workspace already has it, so two
 * agendas never read the same in a list (issue 16: "Next meeting" repeated the last title).
 */
export function uniqueTitle(title: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.trim().toLowerCase()));
  if (!used.has(title.trim().toLowerCase())) return title;
  for (let n = 2; ; n++) {
    const candidate = `${title} (${n})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

/** Write a new document's meta and first content. */
export function setUpNewDocument(doc: Y.Doc, kind: DocKind, title: string, actor: Actor): void {
  // Content, meta and the `seeded` flag arrive in one update (see seedDocument).
  seedDocument(doc, templates[kind], { kind, title, actor });
}
