/**
 * Hand-written Yjs updates (update format v1, written with lib0), as a hostile member would
 * send them: no Y.Doc involved, any client id, any clock, any parent, any delete set.
 *
 *   update   = varUint(#clients) { varUint(#structs) varUint(client) varUint(clock) struct* }
 *              deleteSet
 *   struct   = info:uint8 [origin:ID] [rightOrigin:ID] [parent] [parentSub:varString] content
 *              info bits: 0x80 origin, 0x40 right origin, 0x20 parentSub, low 5 bits content
 *              parent (only without origins) = varUint(1) varString(rootName) | varUint(0) ID
 *   ID       = varUint(client) varUint(clock)
 *   deleteSet= varUint(#clients) { varUint(client) varUint(#ranges) { varUint(clock) varUint(len) } }
 */
import * as encoding from 'lib0/encoding';

/** A Yjs id. */
export interface Id {
  client: number;
  clock: number;
}

/** Content kinds this encoder writes (Yjs content refs). */
export type Content =
  | { kind: 'map' } // a new Y.Map (ContentType, YMap ref 1)
  | { kind: 'array' } // a new Y.Array (ContentType, YArray ref 0)
  | { kind: 'any'; values: unknown[] } // ContentAny
  | { kind: 'string'; text: string }; // ContentString

/** One struct: its parent is a root name or the id of the item holding a type. */
export interface Struct {
  origin?: Id;
  rightOrigin?: Id;
  parent?: { root: string } | { item: Id };
  parentSub?: string;
  content: Content;
}

/** Length of a struct in clock units. */
function lengthOf(c: Content): number {
  if (c.kind === 'any') return c.values.length;
  if (c.kind === 'string') return c.text.length;
  return 1;
}

function writeId(e: encoding.Encoder, id: Id): void {
  encoding.writeVarUint(e, id.client);
  encoding.writeVarUint(e, id.clock);
}

function writeContent(e: encoding.Encoder, c: Content): void {
  switch (c.kind) {
    case 'map':
      encoding.writeVarUint(e, 1);
      return;
    case 'array':
      encoding.writeVarUint(e, 0);
      return;
    case 'any':
      encoding.writeVarUint(e, c.values.length);
      for (const v of c.values) encoding.writeAny(e, v as never);
      return;
    case 'string':
      encoding.writeVarString(e, c.text);
  }
}

const CONTENT_REF = { map: 7, array: 7, any: 8, string: 4 } as const;

function writeStruct(e: encoding.Encoder, s: Struct): void {
  const info = (s.origin ? 0x80 : 0) | (s.rightOrigin ? 0x40 : 0) | (s.parentSub !== undefined ? 0x20 : 0) | CONTENT_REF[s.content.kind];
  encoding.writeUint8(e, info);
  if (s.origin) writeId(e, s.origin);
  if (s.rightOrigin) writeId(e, s.rightOrigin);
  if (!s.origin && !s.rightOrigin) {
    const parent = s.parent ?? { root: 'x' };
    if ('root' in parent) {
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, parent.root);
    } else {
      encoding.writeVarUint(e, 0);
      writeId(e, parent.item);
    }
    if (s.parentSub !== undefined) encoding.writeVarString(e, s.parentSub);
  }
  writeContent(e, s.content);
}

/** Structs of one client, starting at `clock`. */
export interface ClientStructs {
  client: number;
  clock: number;
  structs: Struct[];
}

/** Encode an update: structs per client, then the delete set (client → [clock, len] ranges). */
export function craftUpdate(groups: ClientStructs[], deletes: { client: number; ranges: [number, number][] }[] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, groups.length);
  for (const g of groups) {
    encoding.writeVarUint(e, g.structs.length);
    encoding.writeVarUint(e, g.client);
    encoding.writeVarUint(e, g.clock);
    for (const s of g.structs) writeStruct(e, s);
  }
  encoding.writeVarUint(e, deletes.length);
  for (const d of deletes) {
    encoding.writeVarUint(e, d.client);
    encoding.writeVarUint(e, d.ranges.length);
    for (const [clock, len] of d.ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

/** A chain of `depth` Y.Maps nested under `root`/`key`, written by `client` from clock 0. */
export function nestedMaps(client: number, root: string, key: string, depth: number): Uint8Array {
  const structs: Struct[] = [{ parent: { root }, parentSub: key, content: { kind: 'map' } }];
  for (let i = 1; i < depth; i++) structs.push({ parent: { item: { client, clock: i - 1 } }, parentSub: 'x', content: { kind: 'map' } });
  return craftUpdate([{ client, clock: 0, structs }]);
}

/** A frame as the relay reads it: sync message, type 2 (update), the update. */
export function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Total clock length of a struct list (the next free clock). */
export function nextClock(clock: number, structs: Struct[]): number {
  return structs.reduce((c, s) => c + lengthOf(s.content), clock);
}
