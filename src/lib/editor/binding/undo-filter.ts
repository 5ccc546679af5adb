/**
 * Undo must never remove other people's edits. Y.UndoManager only deletes the undoing
 * person's own items — but @lexical/yjs stores a text node as a Y.Map embed followed by its
 * characters in the paragraph's XmlText, and a paragraph as a nested XmlText. When Ana's
 * undo deletes the embed of a text node she started (or a paragraph she created) while Ben
 * has typed inside it, the binding drops Ben's characters with it. The filter keeps such a
 * container: Ana's own characters still go, Ben's stay where he typed them.
 */
import { ContentString, ContentType, Item, Map as YMap, XmlText, type AbstractType } from 'yjs';

/** True when `type` holds (at any depth) live content written by a client other than `client`. */
function holdsForeign(type: AbstractType<unknown>, client: number): boolean {
  for (let n = type._start; n !== null; n = n.right) {
    if (n.deleted) continue;
    if (n.id.client !== client) return true;
    if (n.content instanceof ContentType && holdsForeign(n.content.type as AbstractType<unknown>, client)) return true;
  }
  return false;
}

/** True when the text node embed `item` is followed, before the next embed, by another client's live text. */
function textRunHoldsForeign(item: Item): boolean {
  for (let n = item.right; n !== null; n = n.right) {
    if (n.content instanceof ContentType) return false;
    if (!n.deleted && n.content instanceof ContentString && n.id.client !== item.id.client) return true;
  }
  return false;
}

/** Y.UndoManager `deleteFilter`: false keeps `item` although it is in the undo scope. */
export function keepOthersEdits(item: Item): boolean {
  const parent = item.parent;
  // The properties of a kept container (a text node's map: __type, format…; a paragraph's
  // attributes) must stay too, or the binding cannot tell what the kept node is.
  if (parent instanceof YMap && parent._item && parent._item.parent instanceof XmlText && textRunHoldsForeign(parent._item)) return false;
  if (item.parentSub !== null && parent instanceof XmlText && holdsForeign(parent as AbstractType<unknown>, item.id.client)) return false;
  if (!(item.content instanceof ContentType)) return true;
  const type = item.content.type;
  if (type instanceof YMap && item.parent instanceof XmlText) return !textRunHoldsForeign(item);
  if (type instanceof XmlText) return !holdsForeign(type as AbstractType<unknown>, item.id.client);
  return true;
}
