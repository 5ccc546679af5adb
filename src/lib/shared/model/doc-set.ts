/**
 * How views across documents name their inputs: a document of the workspace, and a block
 * together with the document it lives in.
 */
import type * as Y from 'yjs';

/** A document of the workspace, as dashboards receive them. */
export interface WorkspaceDoc {
  docId: string;
  doc: Y.Doc;
}

/** A block together with the document it lives in. */
export type InDoc<T> = T & { docId: string };
