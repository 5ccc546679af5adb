/**
 * A document as a standalone HTML file. Safe by construction: every piece of text and every
 * attribute is escaped, links keep only http(s) and mailto addresses, and the file carries
 * no script (a Content-Security-Policy meta forbids any).
 */
import type * as Y from 'yjs';
import { getMeta } from '../model/doc.ts';
import { describeBlock, type ExportOptions } from './blocks.ts';
import { ENGLISH_BLOCK_WORDS } from './words.ts';
import { mentionLabel, readDocumentTree, TextFormat, type Block, type Inline, type ListBlock } from './tree.ts';

type Namer = ExportOptions['memberName'];

/** Escape text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function inline(children: readonly Inline[], name?: Namer): string {
  return children
    .map((c) => {
      if (c.type === 'break') return '<br>';
      if (c.type === 'mention') return `<span class="mention">${escapeHtml(mentionLabel(c, name))}</span>`;
      if (c.type === 'link') {
        const label = inline(c.children, name) || escapeHtml(c.url);
        return /^(https?:|mailto:)/i.test(c.url) ? `<a href="${escapeHtml(c.url)}" rel="noopener noreferrer">${label}</a>` : label;
      }
      let html = escapeHtml(c.text);
      if (c.format & TextFormat.code) html = `<code>${html}</code>`;
      if (c.format & TextFormat.strikethrough) html = `<s>${html}</s>`;
      if (c.format & TextFormat.underline) html = `<u>${html}</u>`;
      if (c.format & TextFormat.italic) html = `<em>${html}</em>`;
      if (c.format & TextFormat.bold) html = `<strong>${html}</strong>`;
      return html;
    })
    .join('');
}

function list(block: ListBlock, name?: Namer): string {
  const tag = block.listType === 'number' ? 'ol' : 'ul';
  const start = block.listType === 'number' && block.start !== 1 ? ` start="${block.start}"` : '';
  const cls = block.listType === 'check' ? ' class="checklist"' : '';
  const items = block.items
    .map((item) => {
      const box = item.checked === null ? '' : `<input type="checkbox" disabled${item.checked ? ' checked' : ''}> `;
      return `<li>${box}${inline(item.children, name)}${item.nested.map((n) => list(n, name)).join('')}</li>`;
    })
    .join('\n');
  return `<${tag}${start}${cls}>\n${items}\n</${tag}>`;
}

function render(block: Block, doc: Y.Doc, options: ExportOptions): string {
  const name = options.memberName;
  switch (block.type) {
    case 'heading':
      return `<h${block.level}>${inline(block.children, name)}</h${block.level}>`;
    case 'paragraph':
      return block.children.length === 0 ? '' : `<p>${inline(block.children, name)}</p>`;
    case 'quote':
      return `<blockquote>${inline(block.children, name)}</blockquote>`;
    case 'list':
      return list(block, name);
    case 'block': {
      const text = describeBlock(doc, block.kind, block.blockId, options);
      const details = text.details.length ? `\n<ul>\n${text.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('\n')}\n</ul>` : '';
      return `<section class="block" data-kind="${escapeHtml(block.kind)}">\n<h3>${escapeHtml(text.title)}</h3>${details}\n</section>`;
    }
  }
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}' +
  '.block{border:1px solid #ccc;border-radius:8px;padding:.25rem 1rem;margin:1rem 0}.block h3{font-size:1rem}' +
  '.checklist{list-style:none;padding-left:1rem}blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem}';

/** The whole document as an HTML file (UTF-8, no scripts, no external resources). */
export function exportHtml(doc: Y.Doc, options: ExportOptions = {}): string {
  const title = options.title ?? String(getMeta(doc).get('title') ?? '');
  const body = readDocumentTree(doc)
    .map((b) => render(b, doc, options))
    .filter((h) => h !== '')
    .join('\n');
  return [
    '<!doctype html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title || (options.words ?? ENGLISH_BLOCK_WORDS).untitledDocument)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...(title ? [`<h1>${escapeHtml(title)}</h1>`] : []),
    ...(body ? [body] : []),
    '</body>',
    '</html>'
  ].join('\n') + '\n';
}
