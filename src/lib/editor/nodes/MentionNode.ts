import {
  $applyNodeReplacement,
  DecoratorNode,
  type DOMConversionMap,
  type DOMConversionOutput,
  type DOMExportOutput,
  type LexicalNode,
  type NodeKey,
  type SerializedLexicalNode,
  type Spread
} from 'lexical';
import { isMemberId } from '../../shared/model/mentions.ts';

/** A mention as JSON (clipboard, exports): the member it is bound to, who wrote it, when. */
export type SerializedMentionNode = Spread<{ memberId: string; name: string; by: string; at: number }, SerializedLexicalNode>;

/** What `decorate()` returns: the mention views (mention-views.ts) show the member's current name. */
export interface MentionDecoration {
  kind: 'mention';
  memberId: string;
  /** The name when the mention was written: shown when the directory does not know the member. */
  name: string;
}

/**
 * An @mention in the text (issue 22), bound to a member id like Lexical's playground
 * MentionNode is bound to a name — but an inline decorator, so what shows is the member's
 * CURRENT name from the workspace's directory (renaming a member renames every mention).
 *
 * @lexical/yjs stores it as a Y.XmlElement inside its paragraph, its properties as attributes
 * (`__type: 'mention'`, `__memberId`, `__name`, `__by`, `__at`): shared/export/tree.ts reads them
 * for exports, search and "What needs me". `__name` is only a fallback (a device without the
 * directory, an export without names); `__by`/`__at` say who mentioned and when (a mention
 * stays in "What needs me" until the member opens the document after that moment).
 *
 * The constructor must be callable with no arguments (@lexical/yjs instantiates it so).
 */
export class MentionNode extends DecoratorNode<MentionDecoration> {
  __memberId: string;
  __name: string;
  __by: string;
  __at: number;

  static getType(): string {
    return 'mention';
  }

  static clone(node: MentionNode): MentionNode {
    return new MentionNode(node.__memberId, node.__name, node.__by, node.__at, node.__key);
  }

  constructor(memberId = '', name = '', by = '', at = 0, key?: NodeKey) {
    super(key);
    this.__memberId = memberId;
    this.__name = name;
    this.__by = by;
    this.__at = at;
  }

  static importJSON(json: SerializedMentionNode): MentionNode {
    const { memberId, name, by, at } = json as Partial<SerializedMentionNode>;
    if (!isMemberId(memberId)) throw new Error(`Not a valid mention: bad member id ${JSON.stringify(memberId)}`);
    return $createMentionNode(memberId, typeof name === 'string' ? name : '', typeof by === 'string' ? by : '', typeof at === 'number' && Number.isFinite(at) ? at : 0);
  }

  exportJSON(): SerializedMentionNode {
    return { ...super.exportJSON(), type: MentionNode.getType(), version: 1, memberId: this.__memberId, name: this.__name, by: this.__by, at: this.__at };
  }

  /** Pasted from another Mutual page: `<span data-mention-id>` keeps the binding. */
  static importDOM(): DOMConversionMap | null {
    return {
      span: (el: HTMLElement) =>
        isMemberId(el.dataset.mentionId)
          ? { conversion: (node: HTMLElement): DOMConversionOutput => ({ node: $createMentionNode(node.dataset.mentionId!, (node.textContent ?? '').replace(/^@/, ''), '', 0) }), priority: 1 }
          : null
    };
  }

  exportDOM(): DOMExportOutput {
    const el = document.createElement('span');
    el.dataset.mentionId = this.__memberId;
    el.textContent = `@${this.__name}`;
    return { element: el };
  }

  getMemberId(): string {
    return this.getLatest().__memberId;
  }

  createDOM(): HTMLElement {
    const el = document.createElement('span');
    el.className = 'm-mention';
    el.contentEditable = 'false';
    el.dataset.mentionId = this.__memberId;
    return el;
  }

  updateDOM(prev: MentionNode): boolean {
    return prev.__memberId !== this.__memberId;
  }

  getTextContent(): string {
    return `@${this.__name}`;
  }

  isInline(): true {
    return true;
  }

  isKeyboardSelectable(): boolean {
    return true;
  }

  decorate(): MentionDecoration {
    return { kind: 'mention', memberId: this.__memberId, name: this.__name };
  }
}

/** A mention of `memberId` (named `name` now), written by `by` at `at`. */
export function $createMentionNode(memberId: string, name: string, by: string, at: number): MentionNode {
  if (!isMemberId(memberId)) throw new Error(`Not a valid mention: bad member id ${JSON.stringify(memberId)}`);
  return $applyNodeReplacement(new MentionNode(memberId, name, by, at));
}

export function $isMentionNode(node: LexicalNode | null | undefined): node is MentionNode {
  return node instanceof MentionNode;
}
