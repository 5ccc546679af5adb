/**
 * Markdown → a new document. The text is parsed by Lexical's own Markdown importer with the
 * same transformers the editor's shortcuts use, in the headless seeding editor, so the
 * result is exactly what typing it would have produced. Mutual blocks are not recreated
 * from text (an exported proposal comes back as its readable quote, not as a live vote).
 */
import { $convertFromMarkdownString } from '@lexical/markdown';
import type * as Y from 'yjs';
import type { Actor } from '../shared/model/doc.ts';
import { MUTUAL_TRANSFORMERS } from './plugins/markdown.ts';
import { seedDocument } from './seed.ts';
import { m } from '../paraglide/messages.js';

/** Largest Markdown file accepted (characters): more would make one huge first update. */
export const MAX_IMPORT_CHARS = 1_000_000;

/** Thrown when a file cannot be imported; the message is for people. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** The title a Markdown file suggests: its first level-1 heading, else the file name. */
export function markdownTitle(markdown: string, fileName = ''): string {
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(markdown)?.[1];
  const fromFile = fileName.replace(/\.(md|markdown|txt)$/i, '').trim();
  return (heading ?? fromFile ?? '').replace(/\\(.)/g, '$1').slice(0, 120).trim() || m.import_untitled();
}

/**
 * Seed a brand-new (empty) document with Markdown content. Call only on the creating device,
 * before the document is shared (same rule as any seeding; see seed.ts).
 * @throws {ImportError} when the file is too large or not text.
 */
export function seedFromMarkdown(doc: Y.Doc, markdown: string, meta: { title: string; actor: Actor }): void {
  if (markdown.length > MAX_IMPORT_CHARS) throw new ImportError(m.import_too_large());
  if (markdown.includes('\u0000')) throw new ImportError(m.import_not_text());
  // The title becomes the document's title; drop it from the text so it is not shown twice.
  const body = markdown.replace(/^\uFEFF/, '').replace(/^#\s+.+\n+/, '');
  seedDocument(
    doc,
    (root) => {
      $convertFromMarkdownString(body, MUTUAL_TRANSFORMERS, root);
      if (root.getChildrenSize() === 0) root.append();
    },
    { kind: 'page', title: meta.title, actor: meta.actor }
  );
}
