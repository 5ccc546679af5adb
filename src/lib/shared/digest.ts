/**
 * A document's digest: a short hash of what a replica holds, equal on two replicas exactly
 * when they hold the same document. The relay answers a workspace's digests
 * (`GET /api/workspaces/:id/digest`, docs/protocol.md) and a device compares them with its
 * own, so background replication opens sockets only for documents that differ.
 *
 * Why not the state vector alone: a state vector does not move on a pure deletion (deleting
 * text adds no struct), so two replicas that differ only by a deletion have equal state
 * vectors. The digest covers the delete set too. Both are encoded canonically — clients in
 * ascending order, deleted ranges merged and sorted — so two replicas whose structs were split
 * differently (one typed a word in one go, the other received it in pieces) still agree.
 *
 * ONE function, used by the device and the relay alike: if they ever computed it differently,
 * every document would look changed on every pass.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { digest as sha256 } from 'lib0/hash/sha256';
import { toBase64 } from 'lib0/buffer';

/** Names the encoding and hash; sent with digests so a future change cannot be mistaken for this one. */
export const DIGEST_ALGORITHM = 'mutual-sv-ds-sha256-v1';

/** Bytes of the SHA-256 kept (96 bits: collisions are out of reach for any workspace). */
const DIGEST_BYTES = 12;

/** The digest of `doc` as it is now: 16 characters of base64url. */
export function documentDigest(doc: Y.Doc): string {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, DIGEST_ALGORITHM);
  const stateVector = [...Y.decodeStateVector(Y.encodeStateVector(doc))].filter(([, clock]) => clock > 0).sort((a, b) => a[0] - b[0]);
  encoding.writeVarUint(encoder, stateVector.length);
  for (const [client, clock] of stateVector) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  const deleted = [...Y.createDeleteSetFromStructStore(doc.store).clients]
    .map(([client, items]) => [client, mergeRanges(items.map((i) => [i.clock, i.len] as const))] as const)
    .filter(([, ranges]) => ranges.length > 0)
    .sort((a, b) => a[0] - b[0]);
  encoding.writeVarUint(encoder, deleted.length);
  for (const [client, ranges] of deleted) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  const hash = sha256(encoding.toUint8Array(encoder)).subarray(0, DIGEST_BYTES);
  return toBase64(hash).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Sorted, with touching or overlapping ranges joined: one canonical form per set of clocks. */
function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = ranges.filter(([, len]) => len > 0).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [clock, len] of sorted) {
    const last = out[out.length - 1];
    if (last && clock <= last[0] + last[1]) last[1] = Math.max(last[1], clock + len - last[0]);
    else out.push([clock, len]);
  }
  return out;
}
