/**
 * The two wire dialects the bench speaks, written with lib0 only (no provider):
 * y-websocket's (Mutual and the reference server) and Hocuspocus's, which prefixes every
 * frame with the document name and wants an auth message before anything else.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

const MSG_SYNC = 0;
const MSG_AUTH = 2;
/** Hocuspocus only: a sync message that must not trigger another step 1. */
const MSG_SYNC_REPLY = 4;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
/** Hocuspocus's auth sub-type "here is my token". */
const AUTH_TOKEN = 0;
/** The empty state vector and the empty update (a document with nothing in it). */
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** What a client needs to know about one received frame. */
export type Incoming =
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'step1' }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'other' };

export interface Dialect {
  readonly name: 'y-websocket' | 'hocuspocus';
  /** Frames to send as soon as the socket opens (auth, sync step 1). */
  hello(): Uint8Array[];
  /** Sync step 1 with a state vector: "what do I lack?" (the hello's, with an empty one). */
  step1(stateVector: Uint8Array): Uint8Array;
  /** Reply to the server's sync step 1: our (empty) state as step 2. */
  step2(): Uint8Array;
  /** One document update frame. */
  update(update: Uint8Array): Uint8Array;
  read(frame: Uint8Array): Incoming;
}

/** One sync message body (after any dialect prefix): `[message type][sync type][bytes]`. */
function writeSync(e: encoding.Encoder, messageType: number, syncType: number, bytes: Uint8Array): void {
  encoding.writeVarUint(e, messageType);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, bytes);
}

function readSync(d: decoding.Decoder): Incoming {
  const t = decoding.readVarUint(d);
  if (t === SYNC_STEP1) return { kind: 'step1' };
  const update = decoding.readVarUint8Array(d);
  if (t === SYNC_STEP2) return { kind: 'step2', update };
  if (t === SYNC_UPDATE) return { kind: 'update', update };
  return { kind: 'other' };
}

/** y-websocket: `[messageType][syncType][payload]`. */
export function yWebsocketDialect(): Dialect {
  const frame = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    write(e);
    return encoding.toUint8Array(e);
  };
  const step1 = (stateVector: Uint8Array) => frame((e) => writeSync(e, MSG_SYNC, SYNC_STEP1, stateVector));
  return {
    name: 'y-websocket',
    hello: () => [step1(EMPTY_STATE_VECTOR)],
    step1,
    step2: () =>
      frame((e) => writeSync(e, MSG_SYNC, SYNC_STEP2, EMPTY_UPDATE)),
    update: (update) =>
      frame((e) => writeSync(e, MSG_SYNC, SYNC_UPDATE, update)),
    read(bytes) {
      const d = decoding.createDecoder(bytes);
      return decoding.readVarUint(d) === MSG_SYNC ? readSync(d) : { kind: 'other' };
    }
  };
}

/**
 * Hocuspocus: `[varString documentName][messageType]…`; the first frame for a document is
 * `[name][Auth][Token][token]` (see ClientConnection.handleQueueingMessage). Everything sent
 * before the server has run its hooks is queued by the server, so hello() sends both at once.
 */
export function hocuspocusDialect(documentName: string, token = 'bench'): Dialect {
  const frame = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, documentName);
    write(e);
    return encoding.toUint8Array(e);
  };
  const step1 = (stateVector: Uint8Array) => frame((e) => writeSync(e, MSG_SYNC, SYNC_STEP1, stateVector));
  return {
    name: 'hocuspocus',
    hello: () => [
      frame((e) => {
        encoding.writeVarUint(e, MSG_AUTH);
        encoding.writeVarUint(e, AUTH_TOKEN);
        encoding.writeVarString(e, token);
      }),
      step1(EMPTY_STATE_VECTOR)
    ],
    step1,
    step2: () =>
      frame((e) => writeSync(e, MSG_SYNC_REPLY, SYNC_STEP2, EMPTY_UPDATE)),
    update: (update) =>
      frame((e) => writeSync(e, MSG_SYNC, SYNC_UPDATE, update)),
    read(bytes) {
      const d = decoding.createDecoder(bytes);
      decoding.readVarString(d);
      const t = decoding.readVarUint(d);
      return t === MSG_SYNC || t === MSG_SYNC_REPLY ? readSync(d) : { kind: 'other' };
    }
  };
}
