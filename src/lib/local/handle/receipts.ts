/**
 * What the relay is known to hold of one document, to tell whether edits made here have
 * reached it ("pending" in the handle's state).
 *
 * The relay's state vector is learnt three ways: its own sync step 1 (what it holds when the
 * socket opens), updates it sends (it holds what it sends), and *receipts*. A receipt is the
 * answer to a sync step 1 of ours (a "probe"): the relay answers a step 1 with a step 2 only
 * once everything it received before is durable (docs/protocol.md), so the answer confirms
 * every edit sent before the probe. Handing an edit to an open socket proves nothing:
 * Chromium's offline mode, or a network that died without a word, leaves a socket that looks
 * open while its frames go nowhere.
 *
 * Deletions do not move a state vector, so every local edit also sets a dirty flag that only
 * the receipt of a probe sent after it clears (probes remember the edit count when sent).
 */
import * as Y from 'yjs';

type StateVector = Map<number, number>;

/** True when `acked` holds every clock of `current`. */
export function stateVectorCovers(acked: StateVector, current: StateVector): boolean {
  for (const [client, clock] of current) if ((acked.get(client) ?? 0) < clock) return false;
  return true;
}

function currentStateVector(doc: Y.Doc): StateVector {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

function mergeInto(target: StateVector, source: StateVector): void {
  for (const [client, clock] of source) if ((target.get(client) ?? 0) < clock) target.set(client, clock);
}

/** The state vector holding every clock of each encoded one (the relay only ever holds more); damaged ones skipped. */
export function mergedStateVectors(encoded: (Uint8Array | undefined)[]): Uint8Array {
  const merged: StateVector = new Map();
  for (const one of encoded) {
    try {
      if (one) mergeInto(merged, Y.decodeStateVector(one));
    } catch {
      // damaged: what it said is not known
    }
  }
  return Y.encodeStateVector(merged);
}

/**
 * Whether an update only deletes (no new structs): the one kind of edit a state vector does not
 * show, so the device store must be told it waits for the relay even while live.
 */
export function deletesOnly(update: Uint8Array): boolean {
  try {
    return Y.parseUpdateMeta(update).to.size === 0;
  } catch {
    return false;
  }
}

interface Probe {
  stateVector: StateVector;
  edits: number;
}

/** The receipt bookkeeping of one document. */
export class Receipts {
  private readonly acked: StateVector = new Map();
  private dirty = false;
  /** Local edits so far; a probe remembers the count, so its receipt clears `dirty` only if none came after. */
  private edits = 0;
  /** Probes sent on this connection and not yet answered, oldest first (answers come in order). */
  private probes: Probe[] = [];
  /** When the last probe went out (the next waits `confirmIntervalMs` after it). */
  lastProbeAt = Number.NEGATIVE_INFINITY;
  /** A receipt (or a handshake with nothing to send) came during this session. */
  confirmedThisSession = false;

  constructor(private readonly doc: Y.Doc) {}

  /** Edits made here may not have reached the relay. */
  get pending(): boolean {
    return this.dirty || !stateVectorCovers(this.acked, currentStateVector(this.doc));
  }

  /** Whether the relay is known to hold the edit `clock` of `client` (what this device sent and it confirmed, or sent us). */
  relayHas(client: number, clock: number): boolean {
    return (this.acked.get(client) ?? 0) > clock;
  }

  /** What the relay is known to hold, encoded (what the device store remembers between sessions). */
  relayStateVector(): Uint8Array {
    return Y.encodeStateVector(this.acked);
  }

  /** Probes in flight on this connection. */
  get awaiting(): number {
    return this.probes.length;
  }

  /** A change made on this device. */
  localEdit(): void {
    this.dirty = true;
    this.edits++;
  }

  /** The relay's sync step 1: its state vector. */
  relayHolds(encodedStateVector: Uint8Array): void {
    mergeInto(this.acked, Y.decodeStateVector(encodedStateVector));
  }

  /**
   * An update that came from the relay: the relay holds it. A peer's keystroke arrives as its
   * client's clocks `from`…`to`; the relay holds them all if it was known to hold everything
   * before `from` (an update's own state vector would name only clients it holds from clock 0).
   */
  relaySent(update: Uint8Array): void {
    try {
      const { from, to } = Y.parseUpdateMeta(update);
      for (const [client, end] of to) {
        const held = this.acked.get(client) ?? 0;
        if (held >= (from.get(client) ?? 0) && end > held) this.acked.set(client, end);
      }
    } catch {
      // Unreadable remote update: the doc rejected it as well; nothing to record.
    }
  }

  /** What the device store remembers from an earlier session. Fresher knowledge wins. */
  restore(meta: { unsynced: boolean; syncedStateVector?: Uint8Array }): void {
    if (this.confirmedThisSession) return;
    this.dirty = this.dirty || meta.unsynced;
    try {
      if (meta.syncedStateVector) mergeInto(this.acked, Y.decodeStateVector(meta.syncedStateVector));
    } catch {
      // A damaged stored state vector just means "pending" until the next sync.
    }
  }

  /** A probe is about to be sent. */
  probeSent(now: number): void {
    this.probes.push({ stateVector: currentStateVector(this.doc), edits: this.edits });
    this.lastProbeAt = now;
  }

  /** The relay answered the oldest probe: everything sent before it is durable. False when none was waiting. */
  receiptArrived(): boolean {
    const probe = this.probes.shift();
    if (!probe) return false;
    mergeInto(this.acked, probe.stateVector);
    if (probe.edits === this.edits) this.dirty = false;
    this.confirmedThisSession = true;
    return true;
  }

  /** The handshake found nothing to send: the relay's state vector covers ours and no deletion waits. */
  handshakeConfirmed(): void {
    this.confirmedThisSession = true;
  }

  /** The socket closed: unanswered probes died with it (their edits stay pending). */
  connectionLost(): void {
    this.probes = [];
    // A new connection confirms at once.
    this.lastProbeAt = Number.NEGATIVE_INFINITY;
  }
}
