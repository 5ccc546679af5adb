import { isRole } from '#shared/protocol';
import type { MemberRecord } from './types.ts';

/** A `members` row as node-postgres returns it. */
export interface MemberRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  coordinator: boolean;
  token_hash: string;
  public_key: string | null;
  joined_at: string;
  revoked_at: string | null;
}
export const MEMBER_COLUMNS = 'id, workspace_id, name, role, coordinator, token_hash, public_key, joined_at, revoked_at';

// BIGINT arrives as a string (node-postgres keeps 64-bit integers exact); times fit a double.
export function toMember(row: MemberRow): MemberRecord {
  if (!isRole(row.role)) throw new Error(`member ${row.id} has an unknown role`);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    role: row.role,
    coordinator: row.coordinator,
    tokenHash: row.token_hash,
    publicKey: row.public_key,
    joinedAt: Number(row.joined_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at)
  };
}

