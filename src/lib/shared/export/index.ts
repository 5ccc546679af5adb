/** Exports of a document: Markdown, HTML and plain text, read straight from its Y.Doc. */
export { exportMarkdown, escapeMarkdown } from './markdown.ts';
export { exportHtml, escapeHtml } from './html.ts';
export { documentText } from './text.ts';
export { describeBlock, formatDate, type BlockText, type ExportOptions } from './blocks.ts';
export { readDocumentTree, inlineText, type Block, type Inline, type ListBlock, type ListItem } from './tree.ts';
export { ENGLISH_BLOCK_WORDS, type BlockWords } from './words.ts';
