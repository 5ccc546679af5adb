import { FIRST_DEVICE_ID, FIRST_DEVICE_NAME, type DeviceRecord, type MemberRecord } from './types.ts';

/** The first device of a new member: it holds the token they joined with. */
export function firstDevice(m: MemberRecord): DeviceRecord {
  return { workspaceId: m.workspaceId, memberId: m.id, id: FIRST_DEVICE_ID, name: FIRST_DEVICE_NAME, tokenHash: m.tokenHash, createdAt: m.joinedAt, lastSeenAt: null, revokedAt: m.revokedAt };
}

