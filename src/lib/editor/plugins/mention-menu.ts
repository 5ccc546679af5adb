import { $createTextNode, $getSelection, $isRangeSelection, type LexicalEditor } from 'lexical';
import { matchMembers } from '../../shared/model/mentions.ts';
import type { MemberInfo } from '../members.ts';
import { $createMentionNode } from '../nodes/MentionNode.ts';
import { registerTypeahead, type TypeaheadController, type TypeaheadState } from './typeahead.ts';

/** What the "@" picker draws. Null state = closed. */
export type MentionMenuState = TypeaheadState<MemberInfo>;

/** The DOM id of a member's option in the editor's picker. */
export const mentionOptionId = (memberId: string): string => `mention-item-${memberId}`;

/** Put a mention of `member` at the caret, then a space to type on (issue 22). */
export function $insertMention(member: { id: string; name: string }, by: string, at: number): void {
  const selection = $getSelection();
  if ($isRangeSelection(selection)) selection.insertNodes([$createMentionNode(member.id, member.name, by, at), $createTextNode(' ')]);
}

/**
 * "@" at the start of a block or after a space opens a picker of the workspace's members;
 * typing narrows it (name prefix, accents ignored), arrows move, Enter or Tab picks, Escape
 * closes. The pick becomes a mention node bound to the member's id (nodes/MentionNode.ts).
 */
export function registerMentionMenu(
  editor: LexicalEditor,
  options: { members: () => readonly MemberInfo[]; me: string; now?: () => number },
  onChange: (state: MentionMenuState | null) => void
): TypeaheadController {
  const now = options.now ?? Date.now;
  return registerTypeahead(
    editor,
    {
      trigger: '@',
      items: (query) => matchMembers(options.members(), query),
      optionId: (member) => mentionOptionId(member.id),
      listboxId: 'mention-menu',
      run: (ed, member) => ed.update(() => $insertMention(member, options.me, now()), { discrete: true })
    },
    onChange
  );
}
