/**
 * A workspace's status for the top bar, from its documents' own statuses: the bar never says
 * "syncing" for a keystroke the document's header calls synced, nor "live" for one the header
 * says waits.
 */
import type { DocSyncState, DocSyncStatus } from '../handle/status.ts';
import type { Refusal } from '../store.ts';

/** Connection state of a whole workspace, for the status bar. */
export interface ReplicationStatus {
  /** live · offline (changes saved on this device) · syncing N documents */
  state: 'live' | 'offline' | 'syncing';
  /** Documents being brought up to date (background, and open ones whose edits are `waiting` while connected). */
  syncingCount: number;
  /** Open documents (and the index) holding edits the relay has not confirmed. */
  unsyncedCount: number;
  /** The relay refused this device for the whole workspace (e.g. 4401 access removed). */
  refused?: Refusal;
}

/** What the aggregate reads. */
export interface ReplicationFacts {
  online: boolean;
  refused?: Refusal;
  /** The index document's connection. */
  indexState: DocSyncState | undefined;
  /** Background documents queued or syncing now. */
  background: number;
  /** Statuses of the documents held live by pages (and the index), not the background ones. */
  open: readonly DocSyncStatus[];
}

/** The workspace status of `facts`. */
export function replicationStatus(facts: ReplicationFacts): ReplicationStatus {
  let unsyncedCount = 0;
  let inFlight = 0;
  for (const s of facts.open) {
    if (s.unsynced) unsyncedCount++;
    if (s.waiting && s.state !== 'offline' && s.state !== 'refused') inFlight++;
  }
  const syncingCount = facts.background + inFlight;
  const { indexState, refused } = facts;
  const state: ReplicationStatus['state'] =
    refused || !facts.online || indexState === 'offline' || indexState === 'refused'
      ? 'offline'
      : syncingCount > 0 || indexState === 'connecting'
        ? 'syncing'
        : 'live';
  return { state, syncingCount, unsyncedCount, ...(refused ? { refused } : {}) };
}
