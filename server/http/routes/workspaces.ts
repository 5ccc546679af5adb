/**
 * Workspace routes: create (under the creation policy), join with an invite, rotate invites,
 * the caller's own view, the server's public settings, and workspace settings (admins).
 */
import { sameHash, hashSecret } from '../../auth/secrets.ts';
import { memberJson, type ApiContext, type Route } from '../context.ts';
import { createHash } from 'node:crypto';
import { DIGEST_ALGORITHM } from '#shared/digest';
import { HttpError, readJsonObject, sendJson, sendNotModified } from '../respond.ts';
import { ErrorCode } from '#shared/error-codes';
import { onlyFields, requireId, requireName } from '../validate.ts';
import { readSettingsPatch } from './settings.ts';

/** The optional name of the device creating or joining (issue 18: "Chrome on Android"). */
function optionalDeviceName(body: Record<string, unknown>): string | undefined {
  return body.deviceName === undefined ? undefined : requireName(body, 'deviceName', 'The device name');
}

export function workspaceRoutes(ctx: ApiContext): Route[] {
  const { auth, logger, creation, limits, digests } = ctx.opts;

  /** Refuse creation unless the policy allows it (the code compared in constant time). */
  const checkCreation = async (body: Record<string, unknown>) => {
    if (creation.mode === 'open') return;
    if (creation.mode === 'closed') throw new HttpError(403, 'Creating workspaces is switched off on this server. Ask the person who runs it.', {}, ErrorCode.creationClosed);
    const given = body.creationCode;
    if (typeof given !== 'string' || given.trim() === '') {
      throw new HttpError(403, 'This server asks for a creation code to make a new workspace. The person who runs it can give you one.', {}, ErrorCode.creationCodeRequired);
    }
    if (!sameHash(hashSecret(given.trim()), hashSecret(await creation.code()))) throw new HttpError(403, 'That creation code is not right. Check it with the person who runs this server.', {}, ErrorCode.creationCodeWrong);
  };

  return [
    {
      // What each document the caller may read looks like on the relay, in one short hash
      // (src/lib/shared/digest.ts): a device syncs only the documents whose digest differs.
      // With the ETag of its last answer (If-None-Match), nothing changed costs a 304.
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'digest'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const member = await ctx.caller(req, workspaceId);
        const body = { algorithm: DIGEST_ALGORITHM, documents: await digests.ofWorkspace(member) };
        const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)}"`;
        if (req.headers['if-none-match'] === etag) return sendNotModified(res, etag);
        sendJson(res, 200, body, { etag });
      }
    },
    {
      method: 'GET',
      pattern: ['api', 'config'],
      // What the home page needs before anyone has a token: whether to ask for a creation code.
      handler: async (_req, res) => sendJson(res, 200, { workspaceCreation: creation.mode })
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces'],
      handler: async (req, res) => {
        await limits.createWorkspace.take(ctx.address(req));
        const body = await readJsonObject(req);
        onlyFields(body, ['name', 'memberName', 'creationCode', 'deviceName']);
        const name = requireName(body, 'name', 'The workspace name');
        const memberName = requireName(body, 'memberName', 'Your name');
        const deviceName = optionalDeviceName(body);
        await checkCreation(body);
        const created = await auth.createWorkspace({ name, memberName, ...(deviceName ? { deviceName } : {}) });
        const links = ctx.invites(req, created.workspaceId, created.invites);
        const invitesAt = Date.now();
        await ctx.publishSettings(created.workspaceId, { name, invitesRotatedAt: invitesAt });
        await ctx.publish(created.workspaceId, created.member);
        logger.info('workspace-created', { workspace: created.workspaceId, member: created.member.memberId });
        sendJson(res, 201, { workspaceId: created.workspaceId, memberId: created.member.memberId, token: created.token, role: 'admin', invites: links, invitesAt });
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'join'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await limits.join.take(ctx.address(req));
        const body = await readJsonObject(req);
        const invite = body.invite;
        if (typeof invite !== 'string' || invite.length === 0) throw new HttpError(400, 'The invite secret is missing (field "invite").');
        if (invite.length > 256) throw new HttpError(403, 'This invite is not valid: it may have been replaced by a newer one.', {}, ErrorCode.inviteInvalid);
        const name = requireName(body, 'name', 'Your name');
        const deviceName = optionalDeviceName(body);
        await limits.joinPerWorkspace.take(workspaceId);
        const joined = await auth.join(workspaceId, invite, name, deviceName);
        await ctx.publish(workspaceId, joined.member);
        ctx.opts.onMemberJoined?.(workspaceId);
        logger.info('member-joined', { workspace: workspaceId, member: joined.member.memberId, role: joined.member.role });
        sendJson(res, 201, { memberId: joined.member.memberId, token: joined.token, role: joined.member.role });
      }
    },
    {
      // Before joining: which group, which role, who hands out its invites (issue 16). POST, so
      // the secret travels in the body and never in a URL or a log line; limited like a join,
      // because it answers the same question about an invite.
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'invites', 'preview'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await limits.join.take(ctx.address(req));
        const body = await readJsonObject(req);
        const invite = body.invite;
        if (typeof invite !== 'string' || invite.length === 0) throw new HttpError(400, 'The invite secret is missing (field "invite").');
        if (invite.length > 256) throw new HttpError(403, 'This invite is not valid: it may have been replaced by a newer one.', {}, ErrorCode.inviteInvalid);
        sendJson(res, 200, await auth.previewInvite(workspaceId, invite));
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'invites', 'rotate'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const admin = await ctx.caller(req, workspaceId, ['admin']);
        await limits.memberChange.take(ctx.address(req));
        const links = ctx.invites(req, workspaceId, await auth.rotateInvites(workspaceId));
        // When these links were made (server time): a device holding older links can tell they stopped working.
        const invitesAt = Date.now();
        await ctx.publishSettings(workspaceId, { invitesRotatedAt: invitesAt });
        logger.info('invites-rotated', { workspace: workspaceId, member: admin.memberId });
        sendJson(res, 200, { invites: links, invitesAt });
      }
    },
    {
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'me'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const me = await ctx.caller(req, workspaceId);
        const info = await auth.getMember(workspaceId, me.memberId);
        if (!info) throw new HttpError(401, 'This token is not valid or its access was removed.', {}, ErrorCode.tokenInvalid);
        sendJson(res, 200, { workspaceId, workspaceName: await auth.workspaceName(workspaceId), ...memberJson(info), deviceId: me.deviceId });
      }
    },
    {
      method: 'PATCH',
      pattern: ['api', 'workspaces', ':', 'settings'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const admin = await ctx.caller(req, workspaceId, ['admin']);
        await limits.memberChange.take(ctx.address(req));
        const patch = readSettingsPatch(await readJsonObject(req));
        if (patch.name !== undefined) await auth.renameWorkspace(workspaceId, patch.name);
        await ctx.opts.directory.setSettings(workspaceId, patch);
        logger.info('workspace-settings-changed', { workspace: workspaceId, member: admin.memberId, fields: Object.keys(patch).join(',') });
        sendJson(res, 200, { settings: patch });
      }
    }
  ];
}
