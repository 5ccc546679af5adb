import * as Y from 'yjs';
import { INDEX_DOC_ID } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';
import type { MemberInfo } from './auth/auth.ts';
import type { DocumentManager } from './relay/documents.ts';

/**
 * Member colours, assigned in join order. Chosen to stay distinct from each other and
 * readable as cursor and avatar colours on a light background.
 */
export const MEMBER_PALETTE = ['#d1495b', '#00798c', '#edae49', '#66a182', '#8d5a97', '#2e4057', '#e07a5f', '#3d405b', '#81b29a', '#f2a541', '#4d9de0', '#7768ae'] as const;

/**
 * Writes the member directory of a workspace's index Y.Doc (`index` → map `members`,
 * one Y.Map per member: id, name, colour, role, joinedAt, publicKey; plus coordinator and
 * revoked). The relay writes it, so every connected client sees joins and changes live.
 */
export class MemberDirectory {
  constructor(private readonly documents: DocumentManager) {}

  /** Add or refresh a member's entry; resolves once durable. Keeps an existing colour. */
  upsert(workspaceId: string, member: MemberInfo): Promise<void> {
    return this.documents.change(workspaceId, INDEX_DOC_ID, (ydoc) => {
      const members = ydoc.getMap<Y.Map<unknown>>(IndexKeys.members);
      let entry = members.get(member.memberId);
      if (!(entry instanceof Y.Map)) {
        entry = new Y.Map<unknown>();
        // Set before attaching: the map is written in one transaction either way, but
        // the colour must be computed from the entries that exist before this one.
        entry.set('colour', MEMBER_PALETTE[members.size % MEMBER_PALETTE.length]);
        members.set(member.memberId, entry);
      }
      setIfChanged(entry, 'id', member.memberId);
      setIfChanged(entry, 'name', member.name);
      setIfChanged(entry, 'role', member.role);
      setIfChanged(entry, 'coordinator', member.coordinator);
      setIfChanged(entry, 'joinedAt', member.joinedAt);
      setIfChanged(entry, 'publicKey', member.publicKey);
      // The key history comes from the database, whole: ballots signed with any of these keys
      // verify (docs/security.md). Whatever else the document held is replaced.
      if (!sameKeys(entry.get('publicKeys'), member.publicKeys)) entry.set('publicKeys', [...member.publicKeys]);
      setIfChanged(entry, 'revoked', member.revoked);
    });
  }

  /**
   * Make the directory match the membership store (run when the index document loads):
   * repairs entries whose live write failed, e.g. while the index could not be loaded.
   * Writes nothing when everything already matches.
   */
  async reconcile(workspaceId: string, members: MemberInfo[]): Promise<void> {
    const needed = await this.documents.read(workspaceId, INDEX_DOC_ID, (ydoc) => {
      const map = ydoc.getMap<Y.Map<unknown>>(IndexKeys.members);
      return members.filter((m) => {
        const entry = map.get(m.memberId);
        return (
          !(entry instanceof Y.Map) ||
          entry.get('name') !== m.name ||
          entry.get('role') !== m.role ||
          entry.get('coordinator') !== m.coordinator ||
          entry.get('publicKey') !== m.publicKey ||
          !sameKeys(entry.get('publicKeys'), m.publicKeys) ||
          entry.get('revoked') !== m.revoked
        );
      });
    });
    for (const m of needed) await this.upsert(workspaceId, m);
  }

  /** Set a member's display colour (validated by the caller). */
  setColour(workspaceId: string, memberId: string, colour: string): Promise<void> {
    return this.documents.change(workspaceId, INDEX_DOC_ID, (ydoc) => {
      const entry = ydoc.getMap<Y.Map<unknown>>(IndexKeys.members).get(memberId);
      if (entry instanceof Y.Map) setIfChanged(entry, 'colour', colour);
    });
  }

  /** Record the workspace's name in the index's settings map. */
  setWorkspaceName(workspaceId: string, name: string): Promise<void> {
    return this.setSettings(workspaceId, { name });
  }

  /** Write workspace settings (validated by the caller) into the index's server-written settings map. */
  setSettings(workspaceId: string, patch: object): Promise<void> {
    return this.documents.change(workspaceId, INDEX_DOC_ID, (ydoc) => {
      const settings = ydoc.getMap(IndexKeys.settings);
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) settings.set(key, [...value]);
        else setIfChanged(settings, key, value);
      }
    });
  }
}

/** Whether a stored key list is exactly `keys`. */
function sameKeys(stored: unknown, keys: readonly string[]): boolean {
  return Array.isArray(stored) && stored.length === keys.length && stored.every((k, i) => k === keys[i]);
}

/** Avoid writing (and growing the document) when nothing changed. */
function setIfChanged(map: Y.Map<unknown>, key: string, value: unknown): void {
  if (map.get(key) !== value) map.set(key, value);
}
