/** What the notification rules' unit tests share: members, a clock, and one evaluation. */
import { placeAllInText, replica } from '../model/test-support';
import { documentNotifications, notifySource, type NotifyMember } from './events';

export const HOUR = 3_600_000;
export const T0 = Date.parse('2026-11-30T10:00:00Z');
export const members: NotifyMember[] = [
  { id: 'ana', role: 'admin', coordinator: false },
  { id: 'ben', role: 'editor', coordinator: true },
  { id: 'cy', role: 'viewer', coordinator: false }
];
export const act = (memberId: string, at: number) => ({ memberId, at });

/** Evaluate document `d1` of workspace `ws` at `now` (for `team`, the fixture's members by default). */
export const evaluate = (doc: ReturnType<typeof replica>, now: number, team: readonly NotifyMember[] = members) => {
  placeAllInText(doc);
  return documentNotifications(notifySource('d1', doc), { workspaceId: 'ws', docId: 'd1', now, members: team });
};
