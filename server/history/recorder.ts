import * as Y from 'yjs';
import { equalBytes } from '#shared/bytes';
import { AUTO_VERSION_INTERVAL_MS, type VersionInfo, type VersionReason } from '#shared/history/versions';
import { INDEX_DOC_ID } from '#shared/protocol';
import { isMemberPrivateDoc } from '#shared/model/private-answers';
import { newId } from '../auth/secrets.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentManager } from '../relay/documents.ts';
import { encodeServedState } from '../relay/served-state.ts';
import type { VersionStore } from './store.ts';

/** What {@link History.record} needs. */
export interface RecordInput {
  reason: VersionReason;
  name?: string | null;
  actor?: string | null;
  /** A device's own state (its edits may not have reached the relay yet); merged with the server's. */
  update?: Uint8Array;
}

/** Thrown when a version cannot be recorded for a reason people should see. */
export class VersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionError';
  }
}

/**
 * Versions on the server: recorded on request (named versions, proposals closing, meetings
 * ending — through the HTTP API) and automatically while people edit.
 *
 * Automatic rule: when a document is about to change and its newest version is at least
 * {@link AUTO_VERSION_INTERVAL_MS} old (or it has none), the state *before* the change is
 * recorded — so during ten minutes of editing there is always a version from the start of
 * that stretch, and "undo everything since" is one restore away. Unchanged documents never
 * get a new automatic version. The server does this (not the devices) so that every member
 * sees the same history and five open tabs do not record five copies.
 */
export class History {
  private readonly watched = new WeakSet<Y.Doc>();
  /** Per document: when the newest version was taken and the state vector it had. */
  private readonly last = new Map<string, { at: number; sv: Uint8Array | null }>();

  constructor(
    private readonly store: VersionStore,
    private readonly documents: DocumentManager,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly interval = AUTO_VERSION_INTERVAL_MS
  ) {}

  /** Documents whose automatic-version state is held in memory (tests and the bench check it drops back). */
  get trackedDocuments(): number {
    return this.last.size;
  }

  /** Start automatic versions for a document that was just loaded (the relay's onLoaded hook). */
  async watch(workspaceId: string, docId: string): Promise<void> {
    if (docId === INDEX_DOC_ID) return; // the catalogue is not a document people restore
    // A member's private answers (issue 24) are not kept as versions: fewer copies of them.
    if (isMemberPrivateDoc(docId)) return;
    const key = `${workspaceId}/${docId}`;
    const latest = await this.store.latestAt(workspaceId, docId);
    await this.documents.read(workspaceId, docId, (ydoc) => {
      if (this.watched.has(ydoc)) return;
      this.watched.add(ydoc);
      if (!this.last.has(key)) this.last.set(key, { at: latest ?? 0, sv: null });
      ydoc.on('beforeTransaction', () => {
        const last = this.last.get(key);
        if (last && this.now() - last.at < this.interval) return;
        try {
          if (ydoc.get('root', Y.XmlText).length === 0) return;
          const sv = Y.encodeStateVector(ydoc);
          if (last?.sv && equalBytes(last.sv, sv)) return;
          // Stored in the background: the edit that triggered it must not wait for it.
          this.add(workspaceId, docId, encodeServedState(ydoc), sv, { reason: 'auto' }).stored.catch((err: unknown) =>
            this.logger.error('auto-version-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) })
          );
        } catch (err) {
          // A failed automatic version must never stop the edit that triggered it.
          this.logger.error('auto-version-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) });
        }
      });
      // The relay destroys the Y.Doc when the document unloads. Forget it then, or `last` keeps
      // an entry for every document ever opened (the bench's many-documents scenario found it).
      // Keep only an entry whose state vector still is the document's: that one is what stops
      // an identical automatic version after the next load.
      ydoc.once('destroy', () => {
        const last = this.last.get(key);
        if (last?.sv && equalBytes(last.sv, Y.encodeStateVector(ydoc))) return;
        this.last.delete(key);
      });
    });
  }

  /** Record a version now: the server's copy, merged with the device's `update` if given. */
  async record(workspaceId: string, docId: string, input: RecordInput): Promise<VersionInfo> {
    const serverState = await this.documents.read(workspaceId, docId, (ydoc) => encodeServedState(ydoc));
    const doc = new Y.Doc({ gc: false });
    try {
      Y.applyUpdate(doc, serverState);
      if (input.update) {
        try {
          Y.applyUpdate(doc, input.update);
        } catch {
          throw new VersionError('The document state sent is not a valid Yjs update.');
        }
      }
      if (doc.get('root', Y.XmlText).length === 0 && doc.getMap('blocks').size === 0) {
        throw new VersionError('This document is empty: there is nothing to save yet.');
      }
      const { info, stored } = this.add(workspaceId, docId, Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc), input);
      await stored;
      return info;
    } finally {
      doc.destroy();
    }
  }

  /** Keep a version: what it is at once, and the promise of it being stored. */
  private add(workspaceId: string, docId: string, state: Uint8Array, sv: Uint8Array, input: RecordInput): { info: VersionInfo; stored: Promise<void> } {
    const info: VersionInfo = {
      id: newId(12),
      docId,
      createdAt: this.now(),
      reason: input.reason,
      name: input.name ?? null,
      actor: input.actor ?? null,
      size: state.byteLength
    };
    const stored = this.store.add({ ...info, workspaceId, state }).then(() => {
      this.logger.info('version-recorded', { workspace: workspaceId, doc: docId, reason: info.reason });
    });
    this.last.set(`${workspaceId}/${docId}`, { at: info.createdAt, sv });
    return { info, stored };
  }
}
