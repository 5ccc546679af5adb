/**
 * Presence (awareness) as the relay accepts it: each entry is bound to the socket that first
 * set it, and the member id and name in it come from the socket's token, never from the
 * client. A viewer cannot appear as someone else, overwrite another person's cursor, or be
 * recorded as another member in a meeting's attendance.
 *
 * The stock y-websocket client forwards every presence change it sees, other people's
 * included, so entries for ids another socket owns are dropped silently (they are echoes).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Stateless strict UTF-8 decoder (throws on invalid bytes). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One entry of an awareness update: a client's state at a clock (null: the client left). */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** Who a socket speaks for. */
export interface PresenceAuthor {
  memberId: string;
  name: string;
}

/** Decode an awareness update; the problem in plain words when it is malformed or too large. */
export function readPresenceUpdate(update: Uint8Array, maxStateBytes: number): { entries: PresenceEntry[] } | { code: 'bad' | 'large'; reason: string } {
  const d = decoding.createDecoder(update);
  try {
    const n = decoding.readVarUint(d);
    const entries: PresenceEntry[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const bytes = decoding.readVarUint8Array(d);
      if (bytes.byteLength > maxStateBytes) return { code: 'large', reason: 'presence state too large' };
      const state: unknown = JSON.parse(utf8.decode(bytes));
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return { code: 'bad', reason: 'a presence state must be an object' };
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
    }
    if (decoding.hasContent(d)) return { code: 'bad', reason: 'unexpected bytes after the presence update' };
    return { entries };
  } catch {
    return { code: 'bad', reason: 'malformed presence update' };
  }
}

/** Encode entries as an awareness update (the format y-protocols' applyAwarenessUpdate reads). */
export function writePresenceUpdate(entries: readonly PresenceEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

/** The state with the author's member id and name written over whatever the client sent. */
export function stampPresence(state: Record<string, unknown>, author: PresenceAuthor): Record<string, unknown> {
  const data = state.awarenessData;
  const awarenessData = typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data, memberId: author.memberId } : { memberId: author.memberId };
  return { ...state, name: author.name, awarenessData };
}

/**
 * The present entries among `ids` stamped again with `author` (a member who renamed themselves),
 * each one clock later than the one held so that every peer takes it. The client of such an id
 * takes the later clock for its own state too, so its next change is not mistaken for an old one.
 */
export function restampPresence(ids: Iterable<number>, states: ReadonlyMap<number, Record<string, unknown>>, clocks: ReadonlyMap<number, { clock: number }>, author: PresenceAuthor): PresenceEntry[] {
  const entries: PresenceEntry[] = [];
  for (const clientId of ids) {
    const state = states.get(clientId);
    const held = clocks.get(clientId);
    if (state && held) entries.push({ clientId, clock: held.clock + 1, state: stampPresence(state, author) });
  }
  return entries;
}

/** Who currently owns a presence id, as the filter needs to know. */
export interface PresenceOwners<S> {
  /** The local socket that set this id, if any. */
  ownerOf(clientId: number): S | undefined;
  /** Whether the id has a live state that no local socket owns (set through another relay instance). */
  heldElsewhere(clientId: number): boolean;
  memberOf(socket: S): string;
  /** Ids a socket owns now. */
  countOf(socket: S): number;
  /** Ids all local sockets of a member own now, in this document. */
  countOfMember(memberId: string): number;
}

/**
 * Keep the entries `socket` may set, stamped with its author: its own ids, ids it takes over
 * from another socket of the same member (a reconnect before the old socket timed out), and
 * new ids up to `limits` (per socket, and per member across their sockets). Returns the entries to apply, or a refusal when the socket
 * claims more new ids than allowed.
 */
export function filterPresence<S>(
  entries: readonly PresenceEntry[],
  socket: S,
  author: PresenceAuthor,
  owners: PresenceOwners<S>,
  limits: { perSocket: number; perMember: number }
): { entries: PresenceEntry[] } | { reason: string } {
  const kept: PresenceEntry[] = [];
  let owned = owners.countOf(socket);
  let ownedByMember = owners.countOfMember(author.memberId);
  for (const e of entries) {
    const owner = owners.ownerOf(e.clientId);
    if (owner === undefined && owners.heldElsewhere(e.clientId)) continue;
    if (owner !== undefined && owner !== socket && owners.memberOf(owner) !== author.memberId) continue;
    if (owner === undefined) {
      if (e.state === null) continue; // removing what nobody here owns: nothing to do
      if (++owned > limits.perSocket) return { reason: 'too many presence entries from one connection' };
      if (++ownedByMember > limits.perMember) return { reason: 'too many presence entries from one member in this document' };
    }
    kept.push({ ...e, state: e.state === null ? null : stampPresence(e.state, author) });
  }
  return { entries: kept };
}
