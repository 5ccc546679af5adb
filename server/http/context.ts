/**
 * What every API route shares: the services, the caller's identity from the bearer token,
 * invite links, the directory mirror and the rate limits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '#shared/protocol';
import type { Auth, InviteSecrets, MemberInfo } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { MemberDirectory } from '../member-directory.ts';
import type { WorkspaceDigests } from '../relay/digests.ts';
import { inviteUrl, requestOrigin } from './origin.ts';
import { clientAddress, type RateLimits } from './rate-limits.ts';
import { HttpError } from './respond.ts';
import { ErrorCode } from '#shared/error-codes';

/** Who may create workspaces, and with which code. */
export interface CreationPolicy {
  mode: 'open' | 'code' | 'closed';
  /** Resolves to the creation code (mode 'code'). */
  code: () => Promise<string>;
}

/** What the HTTP API needs. */
export interface ApiOptions {
  auth: Auth;
  directory: MemberDirectory;
  logger: Logger;
  publicOrigin: string;
  creation: CreationPolicy;
  limits: RateLimits;
  trustProxy: boolean;
  /** Digests of workspaces' documents (`GET /api/workspaces/:id/digest`). */
  digests: WorkspaceDigests;
  /** A member joined by invite (the notifier tells those who welcome newcomers). */
  onMemberJoined?: (workspaceId: string) => void;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;

export interface Route {
  method: string;
  /** Path segments; ':' marks a parameter. */
  pattern: string[];
  handler: Handler;
}

/** Shared helpers of the routes. */
export class ApiContext {
  constructor(readonly opts: ApiOptions) {}

  /** Bearer token → member of `workspaceId`, or 401/403. */
  async caller(req: IncomingMessage, workspaceId: string, roles?: readonly Role[]): Promise<AuthenticatedMember> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const member = match ? await this.opts.auth.authenticate(match[1]) : null;
    if (!member) {
      const removed = match && (await this.opts.auth.whyRefused(match[1])) === 'device-removed';
      const why = removed
        ? 'This device was removed from your devices: it can no longer reach the workspace.'
        : match
          ? 'This token is not valid or its access was removed.'
          : 'Send a member token as "Authorization: Bearer <token>".';
      throw new HttpError(401, why, { 'www-authenticate': 'Bearer' }, removed ? ErrorCode.deviceRemoved : ErrorCode.tokenInvalid);
    }
    if (member.workspaceId !== workspaceId) throw new HttpError(403, 'This token belongs to another workspace.', {}, ErrorCode.wrongWorkspace);
    if (roles && !roles.includes(member.role)) throw new HttpError(403, `Only ${roles.join(' or ')} members may do this.`, {}, ErrorCode.roleRequired);
    return member;
  }

  /** The request's client address (for rate limits). */
  address(req: IncomingMessage): string {
    return clientAddress(req, this.opts.trustProxy);
  }

  /** Invite URLs for `secrets`. */
  invites(req: IncomingMessage, workspaceId: string, secrets: InviteSecrets) {
    const origin = requestOrigin(req, this.opts.publicOrigin);
    return { editor: inviteUrl(origin, workspaceId, secrets.editor), viewer: inviteUrl(origin, workspaceId, secrets.viewer) };
  }

  /** Mirror a member into the index document. Membership is already stored, so a failure here is logged, not fatal. */
  async publish(workspaceId: string, member: MemberInfo): Promise<void> {
    try {
      await this.opts.directory.upsert(workspaceId, member);
    } catch (err) {
      this.opts.logger.error('member-directory-write-failed', { workspace: workspaceId, member: member.memberId, error: errorMessage(err) });
    }
  }

  /** Write settings into the index's server-written settings (logged, not fatal: the database already changed or nothing else did). */
  async publishSettings(workspaceId: string, patch: object): Promise<void> {
    try {
      await this.opts.directory.setSettings(workspaceId, patch);
    } catch (err) {
      this.opts.logger.error('workspace-settings-write-failed', { workspace: workspaceId, error: errorMessage(err) });
    }
  }
}

/** A member as the API shows it. */
export function memberJson(m: MemberInfo) {
  return { memberId: m.memberId, name: m.name, role: m.role, coordinator: m.coordinator, joinedAt: m.joinedAt, publicKey: m.publicKey };
}
