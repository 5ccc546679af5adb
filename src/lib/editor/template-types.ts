/**
 * The shape of a document template, apart from seeding itself (seed.ts) so that templates
 * in their own files (agenda-template.ts) import no runtime code from seed.ts.
 */
import type { ElementNode } from 'lexical';
import type * as Y from 'yjs';
import type { Actor } from '../shared/model/doc.ts';
import type { DocKind } from '../shared/model/schema.ts';

/**
 * Builds a new document's first content. Runs inside a Lexical update of a headless editor,
 * so `$`-functions work; append top-level nodes to `root`. `doc` is a scratch Y.Doc whose
 * whole content (text and any block state a template creates through the model) is merged
 * into the real document in one update.
 */
export type DocumentTemplate = (root: ElementNode, doc: Y.Doc, init?: SeedMeta) => void;

/**
 * The document's meta, written by the model's `initDocument` in the same update as the
 * content. Pass it instead of calling `initDocument` yourself: both set `seeded`, so
 * whichever ran second would refuse.
 */
export interface SeedMeta {
  kind: DocKind;
  title: string;
  actor: Actor;
}
