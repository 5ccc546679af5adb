/**
 * Member routes: list, change (a member their own name, colour and signing key; an admin
 * roles and coordinator flags), remove (which also replaces the invite links).
 */
import { isPublicKeyText } from '#shared/model/signatures';
import { isRole } from '#shared/protocol';
import type { MemberPatch } from '../../auth/types.ts';
import { memberJson, type ApiContext, type Route } from '../context.ts';
import { HttpError, readJsonObject, sendJson } from '../respond.ts';
import { ErrorCode } from '#shared/error-codes';
import { onlyFields, requireId, requireName } from '../validate.ts';

/** The member's own fields of a PATCH body (name, public key); 403 when the caller is someone else. */
function ownFields(body: Record<string, unknown>, self: boolean, patch: MemberPatch): void {
  if (!('name' in body || 'publicKey' in body)) return;
  if (!self) throw new HttpError(403, 'Only members themselves may change their name or public key.', {}, ErrorCode.selfOnly);
  if ('name' in body) patch.name = requireName(body, 'name', 'The name');
  if ('publicKey' in body) {
    // A ballot-signing key: Ed25519, 32 bytes as unpadded base64url. Anything else would only
    // grow the directory every member downloads.
    if (!isPublicKeyText(body.publicKey)) throw new HttpError(400, 'The public key must be an Ed25519 key: 32 bytes written as 43 characters of base64url.');
    patch.publicKey = body.publicKey;
  }
}

/** The admin fields of a PATCH body (role, coordinator); 403 for non-admins. */
function adminFields(body: Record<string, unknown>, isAdmin: boolean, patch: MemberPatch): void {
  if (!('role' in body || 'coordinator' in body)) return;
  if (!isAdmin) throw new HttpError(403, 'Only admin members may change roles.', {}, ErrorCode.roleRequired);
  if ('role' in body) {
    if (!isRole(body.role)) throw new HttpError(400, 'The role must be "admin", "editor" or "viewer".');
    patch.role = body.role;
  }
  if ('coordinator' in body) {
    if (typeof body.coordinator !== 'boolean') throw new HttpError(400, 'The coordinator flag must be true or false.');
    patch.coordinator = body.coordinator;
  }
}

export function memberRoutes(ctx: ApiContext): Route[] {
  const { auth, logger, directory, limits } = ctx.opts;
  return [
    {
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'members'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await ctx.caller(req, workspaceId);
        const members = (await auth.listMembers(workspaceId)).filter((m) => !m.revoked).map(memberJson);
        sendJson(res, 200, { members });
      }
    },
    {
      method: 'PATCH',
      pattern: ['api', 'workspaces', ':', 'members', ':'],
      handler: async (req, res, [id, mid]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const memberId = requireId(mid, 'The member id');
        const me = await ctx.caller(req, workspaceId);
        await limits.memberChange.take(ctx.address(req));
        const body = await readJsonObject(req);
        onlyFields(body, ['name', 'publicKey', 'colour', 'role', 'coordinator']);
        const self = me.memberId === memberId;
        const patch: MemberPatch = {};
        ownFields(body, self, patch);
        let colour: string | undefined;
        if ('colour' in body) {
          if (!self) throw new HttpError(403, 'Only members themselves may change their colour.', {}, ErrorCode.selfOnly);
          if (typeof body.colour !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(body.colour)) throw new HttpError(400, 'The colour must look like #2f5d50.');
          colour = body.colour;
        }
        adminFields(body, me.role === 'admin', patch);
        if (Object.keys(patch).length === 0 && colour === undefined) throw new HttpError(400, 'Nothing to change: send name, colour, publicKey, role or coordinator.');
        const updated = Object.keys(patch).length > 0 ? await auth.updateMember(workspaceId, memberId, patch) : await auth.getMember(workspaceId, memberId);
        if (!updated) throw new HttpError(404, 'There is no such member in this workspace.', {}, ErrorCode.memberNotFound);
        // The colour lives only in the member directory (a display preference, not an access fact).
        if (colour !== undefined) await directory.setColour(workspaceId, memberId, colour);
        await ctx.publish(workspaceId, updated);
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
        const admin = await ctx.caller(req, workspaceId, ['admin']);
        await limits.memberChange.take(ctx.address(req));
        await auth.revokeMember(workspaceId, memberId);
        logger.info('member-revoked', { workspace: workspaceId, member: memberId, by: admin.memberId });
        // Removing a member replaced the invite links: devices holding the old ones say so.
        await ctx.publishSettings(workspaceId, { invitesRotatedAt: Date.now() });
        const info = await auth.getMember(workspaceId, memberId);
        if (info) await ctx.publish(workspaceId, info);
        sendJson(res, 204, null);
      }
    }
  ];
}
