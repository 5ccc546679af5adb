/**
 * A document as plain text, one line per paragraph and block: what the history panel
 * compares between versions ("what changed since").
 */
import type * as Y from 'yjs';
import { describeBlock, type ExportOptions } from './blocks.ts';
import { inlineText, readDocumentTree, type ListBlock } from './tree.ts';

function listLines(block: ListBlock, indent: string, name?: ExportOptions['memberName']): string[] {
  return block.items.flatMap((item, i) => {
    const marker = block.listType === 'number' ? `${block.start + i}.` : block.listType === 'check' ? (item.checked ? '☑' : '☐') : '•';
    return [`${indent}${marker} ${inlineText(item.children, name)}`, ...item.nested.flatMap((n) => listLines(n, indent + '  ', name))];
  });
}

/** The document's text, blocks included as their readable lines. */
export function documentText(doc: Y.Doc, options: ExportOptions = {}): string {
  const lines: string[] = [];
  for (const block of readDocumentTree(doc)) {
    if (block.type === 'list') lines.push(...listLines(block, '', options.memberName));
    else if (block.type === 'block') {
      const text = describeBlock(doc, block.kind, block.blockId, options);
      lines.push(`[${text.title}]`, ...text.details.map((d) => `  ${d}`));
    } else lines.push(inlineText(block.children, options.memberName));
  }
  return lines.join('\n');
}
