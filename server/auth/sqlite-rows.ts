import { isRole } from '#shared/protocol';
import type { MemberRecord } from './types.ts';

/** A `members` row as SQLite returns it. */
export interface MemberRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  coordinator: number;
  token_hash: string;
  public_key: string | null;
  joined_at: number;
  revoked_at: number | null;
}
/** A stored member from its row. */
export function toMember(row: MemberRow): MemberRecord {
  if (!isRole(row.role)) throw new Error(`member ${row.id} has an unknown role`);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    role: row.role,
    coordinator: row.coordinator === 1,
    tokenHash: row.token_hash,
    publicKey: row.public_key,
    joinedAt: row.joined_at,
    revokedAt: row.revoked_at
  };
}

