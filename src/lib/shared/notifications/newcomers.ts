/**
 * "Someone new joined" (issue 19), pure: a member who joined recently by invite (anyone but
 * the workspace's first member) is announced to every other member; only those who opted in
 * ("Tell me when someone new joins") get it, as their preferences decide. The key names the
 * newcomer and when they joined, so each join is told once, on any instance.
 */
import { recent, said, shortTitle, type NotificationEvent } from './event-parts';
import { texts } from './texts';

export interface JoinedMember {
  id: string;
  name: string;
  joinedAt: number;
  revoked: boolean;
}

export function newcomerEvents(members: readonly JoinedMember[], workspaceId: string, now: number): NotificationEvent[] {
  const active = members.filter((m) => !m.revoked);
  const founder = Math.min(...members.map((m) => m.joinedAt));
  return active
    .filter((m) => m.joinedAt > founder && recent(m.joinedAt, now))
    .map((m) => ({
      key: `newcomer-joined:${workspaceId}/member/${m.id}:${m.joinedAt}`,
      kind: 'newcomer-joined' as const,
      recipients: active.filter((o) => o.id !== m.id).map((o) => o.id).sort(),
      ...said(texts.newcomerJoined(shortTitle(m.name))),
      url: `/w/${workspaceId}`,
      at: m.joinedAt
    }))
    .filter((e) => e.recipients.length > 0);
}
