/**
 * y-websocket frames, as matching write/read functions. A frame is
 * `varUint(messageType)` followed by the type's payload:
 *   sync (0):            varUint(syncType) varUint8Array(payload)
 *                        syncType 0 = step 1 (state vector), 1 = step 2 (update), 2 = update
 *   awareness (1):       varUint8Array(awareness update)
 *   auth (2):            varUint(0 = permission denied) varString(reason)   (server → client only)
 *   queryAwareness (3):  nothing
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MessageType } from '#shared/protocol';
import type { StepTwoAnswers } from './step-two-answers.ts';

/** Sync sub-types (y-protocols/sync). */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** A decoded client frame. Payload arrays are views into the received buffer (no copy). */
export type ClientFrame =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth' };

/** A frame the relay cannot understand. The message says what was wrong, in plain words. */
export class MalformedFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFrameError';
  }
}

/**
 * Decode one client frame. Throws MalformedFrameError on truncated varints, unknown
 * types or trailing garbage, so one bad frame closes only its socket (4400).
 */
export function readClientFrame(data: Uint8Array): ClientFrame {
  const decoder = decoding.createDecoder(data);
  try {
    const type = decoding.readVarUint(decoder);
    let frame: ClientFrame;
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === SyncType.step1) frame = { type: 'sync-step1', stateVector: payload };
        else if (syncType === SyncType.step2 || syncType === SyncType.update) frame = { type: 'sync-update', update: payload };
        else throw new MalformedFrameError(`unknown sync message type ${syncType}`);
        break;
      }
      case MessageType.awareness:
        frame = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
        break;
      case MessageType.queryAwareness:
        frame = { type: 'query-awareness' };
        break;
      case MessageType.auth:
        // Clients never send auth frames; tolerate and ignore, like the reference server.
        return { type: 'auth' };
      default:
        throw new MalformedFrameError(`unknown message type ${type}`);
    }
    if (decoding.hasContent(decoder)) throw new MalformedFrameError('unexpected bytes after the message');
    return frame;
  } catch (err) {
    if (err instanceof MalformedFrameError) throw err;
    // lib0 throws plain Errors ("Unexpected end of array", "Integer out of Range").
    throw new MalformedFrameError('truncated or malformed message');
  }
}

/** Frame: sync step 1 with `doc`'s state vector. */
export function writeSyncStep1Frame(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.step1);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  return encoding.toUint8Array(e);
}

/**
 * Frame: sync step 2, everything in the document the peer with `stateVector` lacks — with the
 * whole delete set (`deletions: 'all'`), or only the deletions of what it lacks (`'new'`, see
 * {@link StepTwoAnswers}) — and the bytes it cost to make. Throws on a bad state vector.
 */
export function writeSyncStep2Frame(answers: StepTwoAnswers, stateVector: Uint8Array, deletions: 'all' | 'new'): { frame: Uint8Array; encodedBytes: number } {
  const answer = answers.answer(stateVector, deletions);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.step2);
  encoding.writeVarUint8Array(e, answer.update);
  return { frame: encoding.toUint8Array(e), encodedBytes: answer.encodedBytes };
}

/** Frame: a sync update (what the relay broadcasts). */
export function writeUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.update);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Frame: an already encoded awareness update. */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Frame: awareness states of `clients` (null states encode removals). */
export function writeAwarenessFrame(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(e);
}
