import {
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  CHECK_LIST,
  HEADING,
  INLINE_CODE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  LINK,
  ORDERED_LIST,
  QUOTE,
  registerMarkdownShortcuts,
  STRIKETHROUGH,
  type Transformer,
  UNORDERED_LIST
} from '@lexical/markdown';
import type { LexicalEditor } from 'lexical';

/**
 * Markdown shortcuts people know from chat apps and Notion: "# " heading, "- " bullet,
 * "1. " numbered, "[ ] " check list, "> " quote, `code`, **bold**, *italic*, ~~strike~~,
 * [text](url). Only transformers whose nodes are registered (nodes/registry.ts): no code
 * blocks, tables or highlights. CHECK_LIST must come before UNORDERED_LIST ("- [ ]").
 */
export const MUTUAL_TRANSFORMERS: Transformer[] = [
  HEADING,
  QUOTE,
  CHECK_LIST,
  UNORDERED_LIST,
  ORDERED_LIST,
  INLINE_CODE,
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  STRIKETHROUGH,
  LINK
];

/** Turn markdown typed at the start of a line (or around words) into formatting. */
export function registerMarkdown(editor: LexicalEditor): () => void {
  return registerMarkdownShortcuts(editor, MUTUAL_TRANSFORMERS);
}
