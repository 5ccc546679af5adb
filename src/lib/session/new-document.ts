/**
 * Setting up a new document, once, on the creating device before anyone else sees it:
 * its meta (kind, title) and its first content from the kind's template. Seeding from one
 * side only is what keeps two people who open a new document together from each inserting
 * a first paragraph (see src/lib/editor/seed.ts).
 */
import type * as Y from 'yjs';
import type { Actor, Strain } from '$lib/shared/model';
import { agendaTemplate } from '$lib/editor/agenda-template';
import type { DocKind } from '$lib/shared/model/schema';
import { seedDocument, templates } from '$lib/editor/seed';
import { getLocale } from '../paraglide/runtime.js';
import { m } from '../paraglide/messages.js';

/** Default title of a new document of `kind`. */
export function defaultTitle(kind: DocKind, now = new Date()): string {
  const day = now.toLocaleDateString(getLocale(), { day: 'numeric', month: 'short' });
  switch (kind) {
    case 'agenda':
      return m.new_document_meeting({ date: day });
    case 'proposal':
      return m.new_document_new_proposal();
    case 'needs':
      return m.doc_kind_needs();
    case 'page':
      return m.d_page_untitled_page();
  }
}

/** Title of the agenda of a meeting held on `date`: "Meeting Sat, Dec 7" (in the device's language). */
export function meetingTitle(date: Date): string {
  return m.new_document_meeting({ date: date.toLocaleDateString(getLocale(), { weekday: 'short', day: 'numeric', month: 'short' }) });
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

/**
 * Write a new document's meta and first content. `strain`: the group pulse's totals when
 * they show strain — a new agenda then starts with "How are we doing?" and them (issue 24).
 */
export function setUpNewDocument(doc: Y.Doc, kind: DocKind, title: string, actor: Actor, strain: Strain | null = null): void {
  // Content, meta and the `seeded` flag arrive in one update (see seedDocument).
  seedDocument(doc, kind === 'agenda' && strain ? agendaTemplate([], strain) : templates[kind], { kind, title, actor });
}
