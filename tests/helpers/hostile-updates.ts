/**
 * Hand-written Yjs updates that Yjs accepts but that leave a document whose own encoding
 * (Y.encodeStateAsUpdate) throws when applied to an empty document. Found by the relay
 * fuzzer (issue 28); the relay must neither store such an encoding as a snapshot (every
 * later load would fail) nor stop serving the document.
 *
 * heldBackPoison: Yjs checks that an item's origin exists only when the origin belongs to
 * ANOTHER client, so an item whose origin is its own client at a clock that never existed
 * integrates by throwing ("Unexpected case" / "reading 'id'"). `held` carries two items of
 * client C: C:0 whose origin is an unknown client D (so Yjs holds both back, waiting for
 * D), and C:4 whose origin is C:99. `filler` is an honest C:0–3 ("abcd" in root text `t`).
 * After both, the document reads "abcd" and still holds C:4 back (it waits for D, not for
 * C) — but `Y.encodeStateAsUpdate` merges held-back structs into its output, where C:4 now
 * follows C:3 and is integrated on apply: throw.
 *
 * zeroLengthStruct: a GC struct of length 0. Yjs integrates it; the document's encoding
 * then carries a zero-length deletion that throws when applied.
 */
import * as encoding from 'lib0/encoding';

interface CraftedItem {
  clock: number;
  /** [client, clock] of the left origin; without it the item goes into root text `root`. */
  origin?: [number, number];
  root?: string;
  text: string;
}

/** Encode one client's string items as a Yjs v1 update (no delete set). */
export function craftUpdate(client: number, items: CraftedItem[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // one client
  encoding.writeVarUint(e, items.length);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, items[0].clock);
  for (const item of items) {
    const CONTENT_STRING = 4;
    const HAS_ORIGIN = 0x80;
    encoding.writeUint8(e, (item.origin ? HAS_ORIGIN : 0) | CONTENT_STRING);
    if (item.origin) {
      encoding.writeVarUint(e, item.origin[0]);
      encoding.writeVarUint(e, item.origin[1]);
    } else {
      encoding.writeVarUint(e, 1); // parent is a root type, named:
      encoding.writeVarString(e, item.root ?? 't');
    }
    encoding.writeVarString(e, item.text);
  }
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}

const C = 424_242;
const D = 535_353;

/** The pair described above: apply `held`, then `filler`. */
export function heldBackPoison(): { held: Uint8Array; filler: Uint8Array; text: string } {
  return {
    held: craftUpdate(C, [
      { clock: 0, origin: [D, 0], text: 'abcd' },
      { clock: 4, origin: [C, 99], text: 'x' }
    ]),
    filler: craftUpdate(C, [{ clock: 0, root: 't', text: 'abcd' }]),
    text: 'abcd'
  };
}

/** One GC struct of length 0 for client 77 (v1: 1 client, 1 struct, client, clock, GC info, length, no deletions). */
export function zeroLengthStruct(): Uint8Array {
  return Uint8Array.from([1, 1, 77, 0, 0, 0, 0]);
}
