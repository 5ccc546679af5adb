/**
 * Cheap, valid Yjs updates for the load generator, and a reader that turns any received
 * update (single or merged by the server) into (clientID, clock, length) ranges.
 *
 * Every bench sender is one Yjs client that appends one character after its own previous
 * character. Such an update has a fixed shape, so it is written directly with lib0 instead
 * of running a Y.Doc per send (a Y.Doc per client would cost the generator more CPU than
 * the servers under test spend relaying). {@link checkTemplate} proves, at start-up, that the
 * template is byte-identical to what Yjs itself produces.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Name of the root Y.Text every sender writes to. */
export const TEXT_NAME = 't';
/** ContentString's struct ref and the Item info bit saying "has a left origin". */
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;

/**
 * The v1 update inserting `char` as client `client`'s `clock`-th character: clock 0 goes at
 * the start of the root text, every later one right after the same client's clock − 1.
 * The clock doubles as the sender's sequence number.
 */
export function encodeCharInsert(client: number, clock: number, char = 'x'): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // clients with structs
  encoding.writeVarUint(e, 1); // structs of this client
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  if (clock === 0) {
    encoding.writeUint8(e, CONTENT_STRING);
    encoding.writeVarUint(e, 1); // parent is a root type, named by a string
    encoding.writeVarString(e, TEXT_NAME);
  } else {
    encoding.writeUint8(e, CONTENT_STRING | HAS_ORIGIN);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock - 1);
  }
  encoding.writeVarString(e, char);
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}

/** Throws unless the template matches Yjs's own encoding for a few clocks. */
export function checkTemplate(): void {
  const doc = new Y.Doc();
  doc.clientID = 123456;
  const got: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => got.push(u));
  const text = doc.getText(TEXT_NAME);
  for (let i = 0; i < 3; i++) text.insert(text.length, 'x');
  doc.destroy();
  got.forEach((u, clock) => {
    const mine = encodeCharInsert(123456, clock);
    if (Buffer.compare(Buffer.from(u), Buffer.from(mine)) !== 0) {
      throw new Error(`update template differs from Yjs at clock ${clock}: ${Buffer.from(u).toString('hex')} vs ${Buffer.from(mine).toString('hex')}`);
    }
  });
}

/** Contiguous clocks [clock, clock + length) of one client, as carried by an update. */
export interface ClockRange {
  client: number;
  clock: number;
  length: number;
}

/**
 * Every struct range in a v1 update (GC and Skip structs excluded: they carry no new
 * content). Servers that merge several clients' updates into one broadcast produce one
 * update with many ranges; each counts as delivered.
 */
export function readRanges(update: Uint8Array): ClockRange[] {
  const { structs } = Y.decodeUpdate(update);
  const out: ClockRange[] = [];
  for (const s of structs) {
    if (s instanceof Y.Item) out.push({ client: s.id.client, clock: s.id.clock, length: s.length });
  }
  return out;
}

/**
 * {@link readRanges} behind a small cache keyed by the update's bytes: a server sends the
 * same broadcast to every socket, so with N receivers the generator decodes it once, not N
 * times. Cleared wholesale when it grows (broadcasts are never re-sent later).
 */
export function createRangeReader(maxEntries = 4096): (update: Uint8Array) => ClockRange[] {
  let cache = new Map<string, ClockRange[]>();
  return (update) => {
    const key = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('latin1');
    let ranges = cache.get(key);
    if (!ranges) {
      ranges = readRanges(update);
      if (cache.size >= maxEntries) cache = new Map();
      cache.set(key, ranges);
    }
    return ranges;
  };
}

/** Read a lib0 var-uint8-array from a decoder (re-exported for the wire readers). */
export const readVarBytes = (d: decoding.Decoder): Uint8Array => decoding.readVarUint8Array(d);
