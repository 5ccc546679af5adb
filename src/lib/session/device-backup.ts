/**
 * "Download a backup" from this device's own copy — offline too. Same file format as the
 * server's `npm run backup` (src/lib/shared/backup/format.ts) with `source: "device"`:
 * documents, the member directory and the versions this device holds, but no token or
 * invite hashes (a device never has them). It restores as documents; members rejoin with
 * new invite links (`npm run restore -- --in FILE --from-device`).
 */
import { BACKUP_FORMAT, BACKUP_VERSION, encodeBytes, type BackupFile } from '$lib/shared/backup/format';
import { versionCache } from '$lib/local/versions';
import { isMemberPrivateDoc } from '$lib/shared/model/private-answers';
import { downloadFile, fileNameOf } from '$lib/components/download';
import type { WorkspaceSession } from './workspace.svelte';

/** Build the device backup of a workspace. */
export async function createDeviceBackup(session: WorkspaceSession, now = Date.now()): Promise<BackupFile> {
  const { device, workspaceId } = session;
  // Never this member's private document (issue 24): a backup is handed to others (restored on
  // a server an admin reads), and private answers and secret ballots are this member's alone.
  const docIds = (await device.store.listDocuments(workspaceId)).filter((docId) => !isMemberPrivateDoc(docId));
  const documents: BackupFile['documents'] = [];
  for (const docId of docIds) {
    const loaded = await device.storage.load(workspaceId, docId);
    if (loaded.update) documents.push({ docId, state: encodeBytes(loaded.update) });
  }
  const cache = await versionCache();
  const versions = (await cache.listWorkspace(workspaceId))
    .filter((v) => v.update !== undefined)
    .map((v) => ({
      id: v.id,
      docId: v.docId,
      createdAt: v.createdAt,
      reason: v.reason,
      name: v.name,
      actor: v.actor,
      state: encodeBytes(v.update as Uint8Array)
    }));
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    source: 'device',
    createdAt: now,
    workspace: { id: workspaceId, name: session.name, createdAt: session.record.joinedAt },
    members: session.members.map((m) => ({
      id: m.id,
      name: m.name,
      role: m.role,
      coordinator: m.coordinator,
      publicKey: m.publicKey,
      joinedAt: m.joinedAt,
      revokedAt: null
    })),
    documents,
    versions
  };
}

/** Build the device backup and save it as a file (works offline). */
export async function downloadDeviceBackup(session: WorkspaceSession): Promise<void> {
  // Whatever is still batched in open documents goes into the file too.
  await Promise.all(session.repo.handlesOf(session.workspaceId).map((handle) => handle.flush()));
  const file = await createDeviceBackup(session);
  const day = new Date().toISOString().slice(0, 10);
  downloadFile(fileNameOf(`${session.name} backup ${day}`, 'json'), JSON.stringify(file), 'application/json');
}
