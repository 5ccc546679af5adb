/**
 * `npm run admin -- <command>`: recovery for the person who runs the server (issue 18).
 * Reads the same settings as the server (`DATA_DIR`, or `STORE=postgres` with `DATABASE_URL`).
 *
 *   list                                     workspaces: id, name, members, last activity
 *   device-link --workspace ID --member MID  a one-time device link for a member who lost every device
 *   make-admin  --workspace ID --member MID  make a member admin (a group whose only admin lost their phone)
 *   invites     --workspace ID               fresh invite links (the old ones stop working)
 *   backup, restore, migrate                 the database (admin-database.ts)
 *
 * Links use `PUBLIC_ORIGIN`, or `--origin https://…`, or http://localhost:PORT.
 */
import { renderUnicodeCompact } from 'uqr';
import { AuthError, createAuth } from '../auth/auth.ts';
import { BackupError } from '../backup/backup.ts';
import { deviceLinkUrl, inviteUrl } from '../http/origin.ts';
import { DATABASE_COMMANDS } from './admin-database.ts';
import { parseArgs } from './args.ts';
import { describeTarget, openCliStores } from './stores.ts';

type Args = Record<string, string | true>;

interface Command {
  usage: string;
  help: string;
  run(args: Args, ctx: CommandContext): Promise<void>;
}

interface CommandContext {
  auth: ReturnType<typeof createAuth>;
  origin: string;
  print(line?: string): void;
  /** Where the data is, in words. */
  target: string;
}

const need = (args: Args, name: string, usage: string): string => {
  const v = args[name];
  if (typeof v !== 'string' || v === '') throw new BackupError(`--${name} is missing. Usage: npm run admin -- ${usage}`);
  return v;
};

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

/** The member, or a clear error naming the workspace's members. */
async function findMember(ctx: CommandContext, workspaceId: string, memberId: string) {
  const name = await ctx.auth.workspaceName(workspaceId);
  if (name === null) throw new BackupError(`There is no workspace ${workspaceId} in ${ctx.target}. \`npm run admin -- list\` shows them.`);
  const members = (await ctx.auth.listMembers(workspaceId)).filter((m) => !m.revoked);
  const member = members.find((m) => m.memberId === memberId);
  if (!member) {
    const known = members.map((m) => `  ${m.memberId}  ${m.name} (${m.role})`).join('\n');
    throw new BackupError(`Workspace ${workspaceId} has no member ${memberId}. Its members:\n${known}`);
  }
  return { workspaceName: name, member };
}

const COMMANDS: Record<string, Command> = {
  list: {
    usage: 'list',
    help: 'Lists every workspace: id, name, active members, and when a device of it last reached the server.',
    async run(_args, ctx) {
      const all = await ctx.auth.listWorkspaces();
      if (all.length === 0) return ctx.print(`No workspaces in ${ctx.target}.`);
      ctx.print(`${all.length} workspace${all.length === 1 ? '' : 's'} in ${ctx.target}:`);
      for (const w of all) ctx.print(`${w.id}  ${w.name}  · ${w.members} member${w.members === 1 ? '' : 's'} · last activity ${when(w.lastSeenAt ?? w.createdAt)}`);
      ctx.print('Members of one: npm run admin -- members --workspace ID');
    }
  },
  members: {
    usage: 'members --workspace ID',
    help: "Lists a workspace's members with their ids and roles (to find the id for device-link or make-admin).",
    async run(args, ctx) {
      const workspaceId = need(args, 'workspace', this.usage);
      const name = await ctx.auth.workspaceName(workspaceId);
      if (name === null) throw new BackupError(`There is no workspace ${workspaceId} in ${ctx.target}.`);
      ctx.print(`Members of ${name} (${workspaceId}):`);
      for (const m of (await ctx.auth.listMembers(workspaceId)).filter((x) => !x.revoked)) {
        const devices = (await ctx.auth.listDevices(workspaceId, m.memberId)).filter((d) => !d.revoked);
        ctx.print(`${m.memberId}  ${m.name}  · ${m.role}${m.coordinator ? ', coordinator' : ''} · ${devices.length} device${devices.length === 1 ? '' : 's'}`);
      }
    }
  },
  'device-link': {
    usage: 'device-link --workspace ID --member MID [--origin https://…]',
    help: 'Prints a one-time device link (15 minutes, one use) for a member who lost every device: opened on a new phone or computer, it is that member again, with their name, role and votes.',
    async run(args, ctx) {
      const workspaceId = need(args, 'workspace', this.usage);
      const { workspaceName, member } = await findMember(ctx, workspaceId, need(args, 'member', this.usage));
      const { secret, expiresAt } = await ctx.auth.createDeviceLink(workspaceId, member.memberId);
      const url = deviceLinkUrl(ctx.origin, workspaceId, secret);
      ctx.print(`Device link for ${member.name} in ${workspaceName} — works once, until ${when(expiresAt)}:`);
      ctx.print(url);
      ctx.print(renderUnicodeCompact(url, { ecc: 'M' }));
      ctx.print('Give it to them in person or over a channel you trust: whoever opens it becomes them.');
    }
  },
  'make-admin': {
    usage: 'make-admin --workspace ID --member MID',
    help: "Makes a member an admin (a workspace whose only admin lost their phone). Their admin rights work at once; the member list in the app shows it once the server reloads the workspace (restart it).",
    async run(args, ctx) {
      const workspaceId = need(args, 'workspace', this.usage);
      const { workspaceName, member } = await findMember(ctx, workspaceId, need(args, 'member', this.usage));
      if (member.role === 'admin') return ctx.print(`${member.name} is already an admin of ${workspaceName}.`);
      await ctx.auth.updateMember(workspaceId, member.memberId, { role: 'admin' });
      ctx.print(`${member.name} is now an admin of ${workspaceName} (was ${member.role}). Restart the server so every device's member list shows it.`);
    }
  },
  invites: {
    usage: 'invites --workspace ID [--origin https://…]',
    help: 'Prints fresh invite links for a workspace. The old links stop working; members stay members.',
    async run(args, ctx) {
      const workspaceId = need(args, 'workspace', this.usage);
      const name = await ctx.auth.workspaceName(workspaceId);
      if (name === null) throw new BackupError(`There is no workspace ${workspaceId} in ${ctx.target}.`);
      const secrets = await ctx.auth.rotateInvites(workspaceId);
      ctx.print(`New invite links for ${name} (the old ones no longer work):`);
      ctx.print(`Can edit:      ${inviteUrl(ctx.origin, workspaceId, secrets.editor)}`);
      ctx.print(`Can only read: ${inviteUrl(ctx.origin, workspaceId, secrets.viewer)}`);
    }
  }
};

function overview(): string {
  return [
    'Usage: npm run admin -- <command> [options]   (add --help after a command for more)',
    '',
    ...[...Object.values(COMMANDS), ...Object.values(DATABASE_COMMANDS)].map((c) => `  ${c.usage}\n      ${c.help}`),
    '',
    'Reads DATA_DIR (SQLite), or STORE=postgres with DATABASE_URL, like the server. Links use PUBLIC_ORIGIN or --origin.'
  ].join('\n');
}

/** Run one admin command; returns the exit code. `print` receives stdout lines. */
export async function runAdmin(argv: readonly string[], env: NodeJS.ProcessEnv, print: (line?: string) => void): Promise<number> {
  const [name, ...rest] = argv.filter((a) => a !== '--');
  if (!name || name === '--help' || name === 'help') {
    print(overview());
    return name ? 0 : 1;
  }
  const database = DATABASE_COMMANDS[name];
  if (database) {
    const args = parseArgs(rest, ['help', ...database.flags]);
    if (args.help) print(`npm run admin -- ${database.usage}\n\n${database.help}`);
    else await database.run(args, env, print);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new BackupError(`Unknown command "${name}".\n${overview()}`);
  const args = parseArgs(rest, ['help']);
  if (args.help) {
    print(`npm run admin -- ${command.usage}\n\n${command.help}`);
    return 0;
  }
  const { stores, config, close } = await openCliStores(env, true);
  try {
    const origin = (typeof args.origin === 'string' ? args.origin : config.publicOrigin || `http://localhost:${config.port}`).replace(/\/+$/, '');
    await command.run(args, { auth: createAuth(stores.memberships, { limits: { maxMembers: config.maxMembers } }), origin, print, target: describeTarget(config) });
    return 0;
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAdmin(process.argv.slice(2), process.env, (line = '') => console.log(line)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof BackupError || err instanceof AuthError ? err.message : err instanceof Error ? err.message : String(err));
      process.exit(1);
    }
  );
}
