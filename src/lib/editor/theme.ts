import type { EditorThemeClasses } from 'lexical';

/**
 * Class names Lexical puts on the DOM it renders; styled in editor.css. One place, so the
 * CSS and the editor agree, and remote-cursor classes reach @lexical/yjs via `collaboration`.
 */
export const mutualTheme: EditorThemeClasses & {
  block: string;
  collaboration: { cursor: string; cursorName: string; selection: string; selectionBg: string };
} = {
  paragraph: 'm-p',
  quote: 'm-quote',
  heading: { h1: 'm-h1', h2: 'm-h2', h3: 'm-h3', h4: 'm-h4', h5: 'm-h5', h6: 'm-h6' },
  list: {
    ul: 'm-ul',
    ol: 'm-ol',
    checklist: 'm-checklist',
    listitem: 'm-li',
    listitemChecked: 'm-li-checked',
    listitemUnchecked: 'm-li-unchecked',
    nested: { listitem: 'm-li-nested' }
  },
  link: 'm-link',
  mark: 'm-comment',
  markOverlap: 'm-comment-overlap',
  text: {
    bold: 'm-bold',
    italic: 'm-italic',
    underline: 'm-underline',
    strikethrough: 'm-strike',
    underlineStrikethrough: 'm-underline-strike',
    code: 'm-code'
  },
  block: 'm-block',
  collaboration: {
    cursor: 'm-cursor',
    cursorName: 'm-cursor-name',
    selection: 'm-selection',
    selectionBg: 'm-selection-bg'
  }
};
