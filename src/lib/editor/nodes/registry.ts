import { LinkNode } from '@lexical/link';
import { MarkNode } from '@lexical/mark';
import { ListItemNode, ListNode } from '@lexical/list';
import { HeadingNode, QuoteNode } from '@lexical/rich-text';
import type { Klass, LexicalNode } from 'lexical';
import { BlockNode } from './BlockNode.ts';
import { MentionNode } from './MentionNode.ts';

/**
 * Every node class a Mutual editor knows. The browser editor, the headless seeding editor
 * and tests all register this one list: a node missing on one side fails to sync
 * ("Node … is not registered") when a peer inserts it.
 */
export const mutualNodes: ReadonlyArray<Klass<LexicalNode>> = [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode, MarkNode, BlockNode, MentionNode];
