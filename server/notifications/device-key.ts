/**
 * Which device a push subscription belongs to (issues 18 and 19).
 *
 * The key is the device's id qualified by its workspace and member: `workspace/member/device`.
 * A device id alone is unique only within its member (every member's first device is
 * `first`), and ids never contain `/`, so the three together name exactly one device. The
 * key survives renaming the device (the name is not part of it) and does not derive from the
 * device's token: the token is a credential (stored only as a hash for sign-in and tickets),
 * the id is the device, and removing a device names it by its id, which is how its
 * subscription is found and deleted.
 */
export interface DeviceRef {
  workspaceId: string;
  memberId: string;
  deviceId: string;
}

export function deviceKeyOf(d: DeviceRef): string {
  return `${d.workspaceId}/${d.memberId}/${d.deviceId}`;
}

/** The device a key names, or null for a key not made by {@link deviceKeyOf}. */
export function deviceOfKey(key: string): DeviceRef | null {
  const parts = key.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  const [workspaceId, memberId, deviceId] = parts;
  return { workspaceId, memberId, deviceId };
}
