/**
 * Device routes (issue 18): one member, several devices. A signed-in device makes a one-time
 * link for another (15 minutes, one use, the secret in the URL fragment); the new device
 * previews and uses it; a member (or an admin) lists, renames and removes devices. Tickets
 * let the app's sockets authenticate without putting the token in a URL.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthenticatedMember } from '../../auth/types.ts';
import type { DeviceInfo } from '../../auth/devices.ts';
import type { ApiContext, Route } from '../context.ts';
import { deviceLinkUrl, requestOrigin } from '../origin.ts';
import { HttpError, readJsonObject, sendJson } from '../respond.ts';
import { ErrorCode } from '#shared/error-codes';
import { onlyFields, requireId, requireName } from '../validate.ts';

/** A device as the API shows it; `current` marks the caller's own. */
function deviceJson(d: DeviceInfo, me: AuthenticatedMember | null) {
  return { deviceId: d.deviceId, name: d.name, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, current: me !== null && me.deviceId === d.deviceId };
}

/** The link secret of a body (`secret`); a missing one is 400, an absurd one 403 like any wrong one. */
function linkSecret(body: Record<string, unknown>): string {
  const secret = body.secret;
  if (typeof secret !== 'string' || secret.length === 0) throw new HttpError(400, 'The device link secret is missing (field "secret").');
  if (secret.length > 256) throw new HttpError(403, 'This device link is not valid. Check that you copied the whole link.', {}, ErrorCode.deviceLinkInvalid);
  return secret;
}

export function deviceRoutes(ctx: ApiContext): Route[] {
  const { auth, logger, limits } = ctx.opts;

  /** The caller, who must be `memberId` themselves or an admin. */
  const selfOrAdmin = async (req: IncomingMessage, workspaceId: string, memberId: string) => {
    const me = await ctx.caller(req, workspaceId);
    if (me.memberId !== memberId && me.role !== 'admin') throw new HttpError(403, "Only members themselves and admins may see or change a member's devices.", {}, ErrorCode.selfOnly);
    return me;
  };
  const ids = (id: string, mid: string) => [requireId(id, 'The workspace id'), requireId(mid, 'The member id')] as const;

  return [
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'tickets'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await ctx.caller(req, workspaceId);
        await limits.ticket.take(ctx.address(req));
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')![1];
        sendJson(res, 201, await auth.issueTicket(token));
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'device-links'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        const me = await ctx.caller(req, workspaceId);
        await limits.deviceLink.take(ctx.address(req));
        const body = await readJsonObject(req);
        onlyFields(body, ['memberId']);
        const memberId = body.memberId === undefined ? me.memberId : requireId(String(body.memberId), 'The member id');
        if (memberId !== me.memberId && me.role !== 'admin') throw new HttpError(403, 'Only admins may make a device link for another member.', {}, ErrorCode.roleRequired);
        const { secret, expiresAt } = await auth.createDeviceLink(workspaceId, memberId);
        logger.info('device-link-created', { workspace: workspaceId, member: memberId, by: me.memberId });
        sendJson(res, 201, { link: deviceLinkUrl(requestOrigin(req, ctx.opts.publicOrigin), workspaceId, secret), expiresAt });
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'device-links', 'preview'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await limits.deviceLink.take(ctx.address(req));
        const secret = linkSecret(await readJsonObject(req));
        const preview = await auth.previewDeviceLink(workspaceId, secret);
        sendJson(res, 200, { workspaceName: await auth.workspaceName(workspaceId), memberName: preview.memberName, expiresAt: preview.expiresAt });
      }
    },
    {
      method: 'POST',
      pattern: ['api', 'workspaces', ':', 'device-links', 'redeem'],
      handler: async (req, res, [id]) => {
        const workspaceId = requireId(id, 'The workspace id');
        await limits.deviceLink.take(ctx.address(req));
        const body = await readJsonObject(req);
        onlyFields(body, ['secret', 'deviceName']);
        const secret = linkSecret(body);
        const deviceName = body.deviceName === undefined ? 'New device' : requireName(body, 'deviceName', 'The device name');
        const { member, device, token } = await auth.redeemDeviceLink(workspaceId, secret, deviceName);
        logger.info('device-linked', { workspace: workspaceId, member: member.id, device: device.deviceId });
        sendJson(res, 201, { memberId: member.id, deviceId: device.deviceId, token, role: member.role, name: member.name, workspaceName: await auth.workspaceName(workspaceId) });
      }
    },
    {
      method: 'GET',
      pattern: ['api', 'workspaces', ':', 'members', ':', 'devices'],
      handler: async (req, res, [id, mid]) => {
        const [workspaceId, memberId] = ids(id, mid);
        const me = await selfOrAdmin(req, workspaceId, memberId);
        const devices = (await auth.listDevices(workspaceId, memberId)).filter((d) => !d.revoked).map((d) => deviceJson(d, me));
        sendJson(res, 200, { devices });
      }
    },
    {
      method: 'PATCH',
      pattern: ['api', 'workspaces', ':', 'members', ':', 'devices', ':'],
      handler: async (req, res, [id, mid, did]) => {
        const [workspaceId, memberId] = ids(id, mid);
        const deviceId = requireId(did, 'The device id');
        const me = await selfOrAdmin(req, workspaceId, memberId);
        await limits.memberChange.take(ctx.address(req));
        const body = await readJsonObject(req);
        onlyFields(body, ['name']);
        const device = await auth.renameDevice(workspaceId, memberId, deviceId, requireName(body, 'name', 'The device name'));
        sendJson(res, 200, deviceJson(device, me));
      }
    },
    {
      method: 'DELETE',
      pattern: ['api', 'workspaces', ':', 'members', ':', 'devices', ':'],
      handler: async (req, res, [id, mid, did]) => {
        const [workspaceId, memberId] = ids(id, mid);
        const deviceId = requireId(did, 'The device id');
        const me = await selfOrAdmin(req, workspaceId, memberId);
        await limits.memberChange.take(ctx.address(req));
        await auth.revokeDevice(workspaceId, memberId, deviceId);
        logger.info('device-revoked', { workspace: workspaceId, member: memberId, device: deviceId, by: me.memberId });
        sendJson(res, 204, null);
      }
    }
  ];
}
