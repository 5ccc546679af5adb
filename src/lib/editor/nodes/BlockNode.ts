import {
  $applyNodeReplacement,
  createCommand,
  DecoratorNode,
  type DOMExportOutput,
  type EditorConfig,
  type LexicalCommand,
  type LexicalNode,
  type NodeKey,
  type SerializedLexicalNode,
  type Spread
} from 'lexical';
import { m } from '../../paraglide/messages.js';

/** The kinds of live block a document can hold; the same words as the model and the UI. */
export const BLOCK_KINDS = ['proposal', 'task', 'need', 'agenda'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** True when `value` is one of {@link BLOCK_KINDS}. */
export function isBlockKind(value: unknown): value is BlockKind {
  return typeof value === 'string' && (BLOCK_KINDS as readonly string[]).includes(value);
}

// Same shape as document ids (protocol.ts): short, URL- and key-safe.
const BLOCK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `value` looks like a block id. */
export function isBlockId(value: unknown): value is string {
  return typeof value === 'string' && BLOCK_ID_PATTERN.test(value);
}

/** A block node as JSON (clipboard, exports). Holds no block state, only the reference. */
export type SerializedBlockNode = Spread<{ blockId: string; blockKind: BlockKind }, SerializedLexicalNode>;

/** Thrown when serialized block JSON (a paste, an import) is malformed; the paste is refused. */
export class InvalidBlockNodeError extends Error {
  constructor(reason: string) {
    super(`Not a valid Mutual block: ${reason}`);
    this.name = 'InvalidBlockNodeError';
  }
}

/** What `decorate()` returns: the data the Svelte bridge mounts a view for. */
export interface BlockDecoration {
  blockId: string;
  kind: BlockKind;
}

/**
 * A live block (proposal, task, need or offer, agenda item) inside the text.
 *
 * It stores ONLY the block id and kind. @lexical/yjs syncs node properties last-writer-wins
 * and replaces object values whole, so ballots or claims kept here would lose concurrent
 * writes; the state lives in the Y.Doc's `blocks` map, changed through model functions.
 *
 * The constructor must be callable with no arguments: @lexical/yjs instantiates every node
 * class with `new Klass()` to learn its default properties, and to create remote nodes.
 */
export class BlockNode extends DecoratorNode<BlockDecoration> {
  __blockId: string;
  __blockKind: BlockKind;

  static getType(): string {
    return 'mutual-block';
  }

  static clone(node: BlockNode): BlockNode {
    return new BlockNode(node.__blockId, node.__blockKind, node.__key);
  }

  constructor(blockId = '', blockKind: BlockKind = 'task', key?: NodeKey) {
    super(key);
    this.__blockId = blockId;
    this.__blockKind = blockKind;
  }

  static importJSON(json: SerializedBlockNode): BlockNode {
    const parsed = parseSerializedBlock(json);
    return $createBlockNode(parsed.blockId, parsed.kind);
  }

  exportJSON(): SerializedBlockNode {
    return { ...super.exportJSON(), type: BlockNode.getType(), version: 1, blockId: this.__blockId, blockKind: this.__blockKind };
  }

  getBlockId(): string {
    return this.getLatest().__blockId;
  }

  getBlockKind(): BlockKind {
    return this.getLatest().__blockKind;
  }

  /** Point this node at another block (used when a paste makes a copy with a new id). */
  setBlockId(blockId: string): this {
    if (!isBlockId(blockId)) throw new InvalidBlockNodeError(`bad block id ${JSON.stringify(blockId)}`);
    const writable = this.getWritable();
    writable.__blockId = blockId;
    return writable;
  }

  createDOM(config: EditorConfig): HTMLElement {
    const el = document.createElement('div');
    const themeClass = (config.theme as { block?: string }).block;
    el.className = themeClass ?? 'mutual-block';
    el.dataset.blockKind = this.__blockKind;
    el.dataset.blockId = this.__blockId;
    return el;
  }

  updateDOM(prev: BlockNode, dom: HTMLElement): boolean {
    // A changed id or kind needs a different view: recreate the element so the bridge remounts.
    return prev.__blockId !== this.__blockId || prev.__blockKind !== this.__blockKind;
  }

  /** Copying to other apps: a readable placeholder, never the state. */
  exportDOM(): DOMExportOutput {
    const el = document.createElement('p');
    el.textContent = `[${BLOCK_LABELS[this.__blockKind]}]`;
    return { element: el };
  }

  getTextContent(): string {
    return `[${BLOCK_LABELS[this.__blockKind]}]\n`;
  }

  isInline(): false {
    return false;
  }

  isKeyboardSelectable(): boolean {
    return true;
  }

  decorate(): BlockDecoration {
    return { blockId: this.__blockId, kind: this.__blockKind };
  }
}

/** People-facing names of block kinds (slash menu, toolbar, plain-text copies). */
export const BLOCK_LABELS: Record<BlockKind, string> = {
  proposal: m.agenda_view_proposal(),
  task: m.task_view_task(),
  need: m.search_dialog_need_or_offer(),
  agenda: m.agenda_view_agenda_item()
};

/** Validate block JSON from the clipboard or an import; throws {@link InvalidBlockNodeError}. */
export function parseSerializedBlock(json: unknown): BlockDecoration {
  if (typeof json !== 'object' || json === null) throw new InvalidBlockNodeError('not an object');
  const { blockId, blockKind } = json as Record<string, unknown>;
  if (!isBlockId(blockId)) throw new InvalidBlockNodeError(`bad block id ${JSON.stringify(blockId)}`);
  if (!isBlockKind(blockKind)) throw new InvalidBlockNodeError(`unknown kind ${JSON.stringify(blockKind)}`);
  return { blockId, kind: blockKind };
}

/** Create a block node referencing existing state in the doc's `blocks` map. */
export function $createBlockNode(blockId: string, kind: BlockKind): BlockNode {
  if (!isBlockId(blockId)) throw new InvalidBlockNodeError(`bad block id ${JSON.stringify(blockId)}`);
  if (!isBlockKind(kind)) throw new InvalidBlockNodeError(`unknown kind ${JSON.stringify(kind)}`);
  return $applyNodeReplacement(new BlockNode(blockId, kind));
}

export function $isBlockNode(node: LexicalNode | null | undefined): node is BlockNode {
  return node instanceof BlockNode;
}

/**
 * Insert a new block of a kind at the selection. The handler (setup.ts) creates the block's
 * state through the model first, then inserts the node that points at it.
 */
export const INSERT_BLOCK_COMMAND: LexicalCommand<{ kind: BlockKind }> = createCommand('INSERT_BLOCK_COMMAND');
