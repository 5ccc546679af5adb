/**
 * A document as Markdown (CommonMark with GitHub's task lists). Blocks become quoted
 * sections with a bold title line, so the file reads well anywhere and re-imports as text.
 */
import type * as Y from 'yjs';
import { getMeta } from '../model/doc.ts';
import { describeBlock, type ExportOptions } from './blocks.ts';
import { mentionLabel, readDocumentTree, TextFormat, type Block, type Inline, type ListBlock } from './tree.ts';

type Namer = ExportOptions['memberName'];

/** Escape characters Markdown would read as formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

/** Escape what would start a heading, list or quote at the beginning of a line. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)([#>+-]|\d+[.)])(?=\s|$)/, (_m, space: string, mark: string) => `${space}${mark.replace(/([#>+.)-])$/, '\\$1')}`);
}

function inline(children: readonly Inline[], name?: Namer): string {
  return children
    .map((c) => {
      if (c.type === 'break') return '  \n';
      if (c.type === 'mention') return escapeMarkdown(mentionLabel(c, name));
      if (c.type === 'link') {
        const label = inline(c.children, name) || escapeMarkdown(c.url);
        return /^(https?:|mailto:)/i.test(c.url) ? `[${label}](<${c.url.replace(/[<>\s]/g, encodeURIComponent)}>)` : label;
      }
      if (c.text === '') return '';
      if (c.format & TextFormat.code) return codeSpan(c.text);
      let text = escapeMarkdown(c.text);
      // Markers must hug the text: move surrounding spaces outside them.
      const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? ['', '', text, ''];
      if (core === '') return text;
      text = core;
      if (c.format & TextFormat.strikethrough) text = `~~${text}~~`;
      if (c.format & TextFormat.italic) text = `*${text}*`;
      if (c.format & TextFormat.bold) text = `**${text}**`;
      return lead + text + trail;
    })
    .join('');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function list(block: ListBlock, indent: string, name?: Namer): string[] {
  const lines: string[] = [];
  block.items.forEach((item, i) => {
    const marker = block.listType === 'number' ? `${block.start + i}.` : '-';
    const box = block.listType === 'check' ? (item.checked ? '[x] ' : '[ ] ') : '';
    lines.push(`${indent}${marker} ${box}${inline(item.children, name)}`.trimEnd());
    const childIndent = indent + ' '.repeat(marker.length + 1);
    for (const sub of item.nested) lines.push(...list(sub, childIndent, name));
  });
  return lines;
}

function render(block: Block, doc: Y.Doc, options: ExportOptions): string {
  const name = options.memberName;
  switch (block.type) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${inline(block.children, name)}`.trimEnd();
    case 'paragraph':
      return inline(block.children, name).split('\n').map(escapeLineStart).join('\n');
    case 'quote':
      return inline(block.children, name)
        .split('\n')
        .map((l) => `> ${l}`.trimEnd())
        .join('\n');
    case 'list':
      return list(block, '', name).join('\n');
    case 'block': {
      const text = describeBlock(doc, block.kind, block.blockId, options);
      return [`> **${escapeMarkdown(text.title)}**`, ...text.details.map((d) => `> - ${escapeMarkdown(d)}`)].join('\n');
    }
  }
}

/** The whole document as Markdown, starting with its title as a level-1 heading. */
export function exportMarkdown(doc: Y.Doc, options: ExportOptions = {}): string {
  const title = options.title ?? String(getMeta(doc).get('title') ?? '');
  const parts = readDocumentTree(doc)
    .map((b) => render(b, doc, options))
    .filter((text, i, all) => text !== '' || (i > 0 && all[i - 1] !== ''));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  // Empty paragraphs separate nothing in Markdown; keep the text tidy.
  const body = parts.filter((p) => p !== '').join('\n\n');
  return `${title ? `# ${escapeMarkdown(title)}\n\n` : ''}${body}\n`;
}
