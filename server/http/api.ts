import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRole, type Role } from '#shared/protocol';
import { AuthError, type Auth, type InviteSecrets, type MemberInfo } from '../auth/auth.ts';
import type { AuthenticatedMember, MemberPatch } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { MemberDirectory } from '../member-directory.ts';
import { inviteUrl, requestOrigin } from './origin.ts';
import { HttpError, readJsonObject, sendError, sendJson } from './respond.ts';
import { onlyFields, requireId, requireName } from './validate.ts';

/** What the HTTP API needs. */
export interface ApiOptions {
  auth: Auth;
  directory: MemberDirectory;
  logger: Logger;
  publicOrigin: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
interface Route {
  method: string;
  /** Path segments; ':' marks a parameter. */
  pattern: string[];
  handler: Handler;
}

const PUBLIC_KEY_MAX = 4096;

/**
 * The contract's HTTP API (plus extensions). Returns a request handler that answers
 * /api/* and /healthz and returns false for anything else.
 */
export function createApi({ auth, directory, logger, publicOrigin }: ApiOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  /** Bearer token → member of `workspaceId`, or 401/403. */
  const caller = async (req: IncomingMessage, workspaceId: string, roles?: readonly Role[]): Promise<AuthenticatedMember> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const member = match ? await auth.authenticate(match[1]) : null;
    if (!member) {
      throw new HttpError(401, match ? 'This token is not valid or its access was removed.' : 'Send a member token as "Authorization: Bearer <token>".', {
        'www-authenticate': 'Bearer'
      });
    }
    if (member.workspaceId !== workspaceId) throw new HttpError(403, 'This token belongs to another workspace.');
    if (roles && !roles.includes(member.role)) throw new HttpError(403, `Only ${roles.join(' or ')} members may do this.`);
    return member;
  };

  const invites = (req: IncomingMessage, workspaceId: string, secrets: InviteSecrets) => {
    const origin = requestOrigin(req, publicOrigin);
    return { editor: inviteUrl(origin, workspaceId, secrets.editor), viewer: inviteUrl(origin, workspaceId, secrets.viewer) };
  };

  /** Mirror a member into the index document. Membership is already stored, so a failure here is logged, not fatal. */
  const publish = async (workspaceId: string, member: MemberInfo) => {
    try {
      await directory.upsert(workspaceId, member);
    } catch (err) {
      logger.error('member-directory-write-failed', { workspace: workspaceId, member: member.memberId, error: errorMessage(err) });
    }
  };

  const memberJson = (m: MemberInfo) => ({ memberId: m.memberId, name: m.name, role: m.role, coordinator: m.coordinator, joinedAt: m.joinedAt, publicKey: m.publicKey });

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: ['api', 'workspaces'],
      handler: async (req, res) => {
        const body = await readJsonObject(req);
        const name = requireName(body, 'name', 'The workspace name');
        const memberName = requireName(body, 'memberName', 'Your name');
        const created = await auth.createWorkspace({ name, memberName });
        const links = invites(req, created.workspaceId, created.invites);
        await directory.setWorkspaceName(created.workspaceId, name).catch((err: unknown) => {
          logger.error('workspace-name-write-failed', { workspace: created.workspaceId, error: errorMessage(err) });
        });
        await publish(created.workspaceId, created.member);
        logger.info('workspace-created', { workspace: created.workspaceId, member: created.member.memberId });
        sendJson(res, 201, { workspaceId: created.workspaceId, memberId: created.member.memberId, token: created.token, role: 'admin', invites: links });
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'join'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const body = await readJsonObject(req);
        const invite = body.invite;
        if (typeof invite !== 'string' || invite.length === 0) throw new HttpError(400, 'The invite secret is missing (field "invite").');
        if (invite.length > 256) throw new HttpError(403, 'This invite is not valid: it may have been replaced by a newer one.');
        const name = requireName(body, 'name', 'Your name');
        const joined = await auth.join(workspaceId, invite, name);
        await publish(workspaceId, joined.member);
        logger.info('member-joined', { workspace: workspaceId, member: joined.member.memberId, role: joined.member.role });
        sendJson(res, 201, { memberId: joined.member.memberId, token: joined.token, role: joined.member.role });
      }
    },
    {
      // Before joining: which group, which role, who hands out its invites (issue 16). POST, so
      // the secret travels in the body and never in a URL or a log line.
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'invites', 'preview'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const body = await readJsonObject(req);
        const invite = body.invite;
        if (typeof invite !== 'string' || invite.length === 0) throw new HttpError(400, 'The invite secret is missing (field "invite").');
        if (invite.length > 256) throw new HttpError(403, 'This invite is not valid: it may have been replaced by a newer one.');
        sendJson(res, 200, await auth.previewInvite(workspaceId, invite));
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'invites', 'rotate'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const admin = await caller(req, workspaceId, ['admin']);
        const links = invites(req, workspaceId, await auth.rotateInvites(workspaceId));
        logger.info('invites-rotated', { workspace: workspaceId, member: admin.memberId });
        sendJson(res, 200, { invites: links });
      }
    },
    {
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'members'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await caller(req, workspaceId);
        const members = (await auth.listMembers(workspaceId)).filter((m) => !m.revoked).map(memberJson);
        sendJson(res, 200, { members });
      }
    },
    {
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'me'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const me = await caller(req, workspaceId);
        const info = await auth.getMember(workspaceId, me.memberId);
        if (!info) throw new HttpError(401, 'This token is not valid or its access was removed.');
        sendJson(res, 200, { workspaceId, workspaceName: await auth.workspaceName(workspaceId), ...memberJson(info) });
      }
    },
    {
      method: 'PATCH',
      pattern: ['api', 'workspaces', ':', 'members', ':'],
      handler: async (req, res, [id, mid]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const memberId = requireId(mid, 'The member id');
        const me = await caller(req, workspaceId);
        const body = await readJsonObject(req);
        onlyFields(body, ['name', 'publicKey', 'colour', 'role', 'coordinator']);
        const self = me.memberId === memberId;
        const isAdmin = me.role === 'admin';
        const patch: MemberPatch = {};
        if ('name' in body || 'publicKey' in body) {
          if (!self) throw new HttpError(403, 'Only members themselves may change their name or public key.');
          if ('name' in body) patch.name = requireName(body, 'name', 'The name');
          if ('publicKey' in body) {
            const key = body.publicKey;
            if (key !== null && (typeof key !== 'string' || key.length === 0 || key.length > PUBLIC_KEY_MAX)) {
              throw new HttpError(400, `The public key must be text of at most ${PUBLIC_KEY_MAX} characters, or null.`);
            }
            patch.publicKey = key as string | null;
          }
        }
        let colour: string | undefined;
        if ('colour' in body) {
          if (!self) throw new HttpError(403, 'Only members themselves may change their colour.');
          if (typeof body.colour !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(body.colour)) throw new HttpError(400, 'The colour must look like #2f5d50.');
          colour = body.colour;
        }
        if ('role' in body || 'coordinator' in body) {
          if (!isAdmin) throw new HttpError(403, 'Only admin members may change roles.');
          if ('role' in body) {
            if (!isRole(body.role)) throw new HttpError(400, 'The role must be "admin", "editor" or "viewer".');
            patch.role = body.role;
          }
          if ('coordinator' in body) {
            if (typeof body.coordinator !== 'boolean') throw new HttpError(400, 'The coordinator flag must be true or false.');
            patch.coordinator = body.coordinator;
          }
        }
        if (Object.keys(patch).length === 0 && colour === undefined) throw new HttpError(400, 'Nothing to change: send name, colour, publicKey, role or coordinator.');
        const updated = Object.keys(patch).length > 0 ? await auth.updateMember(workspaceId, memberId, patch) : await auth.getMember(workspaceId, memberId);
        if (!updated) throw new HttpError(404, 'There is no such member in this workspace.');
        // The colour lives only in the member directory (a display preference, not an access fact).
        if (colour !== undefined) await directory.setColour(workspaceId, memberId, colour);
        await publish(workspaceId, updated);
        logger.info('member-updated', { workspace: workspaceId, member: memberId, by: me.memberId });
        sendJson(res, 200, memberJson(updated));
      }
    },
    {
      method: 'DELETE',
      pattern: ['api', 'workspaces', ':', 'members', ':'],
      handler: async (req, res, [id, mid]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const memberId = requireId(mid, 'The member id');
        const admin = await caller(req, workspaceId, ['admin']);
        await auth.revokeMember(workspaceId, memberId);
        logger.info('member-revoked', { workspace: workspaceId, member: memberId, by: admin.memberId });
        const info = await auth.getMember(workspaceId, memberId);
        if (info) await publish(workspaceId, info);
        sendJson(res, 204, null);
      }
    },
    {
      // The relay's clock, so devices can agree on a meeting's countdown despite their own
      // clocks (issue 11): a device samples this and corrects by half the round trip.
      method: 'GET',
      pattern: ['api', 'time'],
      handler: async (_req, res) => sendJson(res, 200, { now: Date.now() })
    },
    {
      method: 'GET',
      pattern: ['healthz'],
      handler: async (_req, res) => sendJson(res, 200, { ok: true })
    }
  ];

  const dispatch = async (req: IncomingMessage, res: ServerResponse, segments: string[]) => {
    const allowed: string[] = [];
    for (const route of routes) {
      if (route.pattern.length !== segments.length) continue;
      const params: string[] = [];
      if (!route.pattern.every((p, i) => (p === ':' ? (params.push(segments[i]), true) : p === segments[i]))) continue;
      if (route.method === req.method || (route.method === 'GET' && req.method === 'HEAD')) return route.handler(req, res, params);
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw new HttpError(405, `Use ${allowed.join(' or ')} for this address.`, { allow: allowed.join(', ') });
    throw new HttpError(404, 'There is nothing at this address.');
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && !path.startsWith('/api/') && path !== '/api') return false;
    const segments = path.split('/').filter((s) => s !== '').map(safeDecode);
    dispatch(req, res, segments).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers);
      if (err instanceof AuthError) {
        const status = { unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409 }[err.kind];
        return sendError(res, status, err.message);
      }
      logger.error('http-error', { method: req.method, path: routeLabel(segments), error: errorMessage(err) });
      sendError(res, 500, 'Something went wrong on the server. Please try again.');
    });
    return true;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // invalid escapes become an invalid id → 400
  }
}

/** A path for logs without ids' values beyond their shape (ids are not secret, but keep lines short). */
function routeLabel(segments: string[]): string {
  return '/' + segments.slice(0, 4).join('/');
}
