/**
 * Every command-line entry point of the project ends on its own once it printed its
 * result, with the exit code it documents (issue 28: `npm run test:fuzz-relay` printed its
 * result and then hung on a handle left open, so anything running it unattended hung too).
 * Each runs in a child process with small arguments; one that is still alive some time
 * after its result line is killed and reported, and so is one that needed its watchdog
 * (tests/helpers/cli.ts exitWhenDone) to end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLES_LEFT_OPEN } from '../helpers/cli.ts';
import { createWorkspace, removeDir, startServer, tempDir } from '../helpers/server.ts';

/** How long a command may still run after printing its result line. */
const EXIT_GRACE_MS = 15_000;
/** Bound on a whole run (the commands below take seconds on an idle machine). */
const RUN_LIMIT_MS = 240_000;
const TEST_TIMEOUT_MS = RUN_LIMIT_MS + 30_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  /** Why we killed it, if we did. */
  killed: string | null;
}

/** Run `node --import tsx <file> …args` (what `tsx <file>` in package.json does). */
function runCli(file: string, args: string[], result: RegExp, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(file), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed: string | null = null;
    const kill = (why: string) => {
      killed = why;
      child.kill('SIGKILL');
    };
    const limit = setTimeout(() => kill(`still running after ${RUN_LIMIT_MS} ms`), RUN_LIMIT_MS);
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onData = (d: Buffer) => {
      output += String(d);
      if (!grace && result.test(output)) grace = setTimeout(() => kill(`printed its result but had not exited ${EXIT_GRACE_MS} ms later`), EXIT_GRACE_MS);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(limit);
      clearTimeout(grace);
      resolve({ code, signal, output, killed });
    });
  });
}

const expectRun = (run: Run, code: number, result: RegExp) => {
  expect(run.killed, run.output).toBeNull();
  // The seeded CLIs end through a watchdog that exits anyway when something leaked: that
  // must not have been needed.
  expect(run.output).not.toContain(HANDLES_LEFT_OPEN);
  expect(run.output).toMatch(result);
  expect(run.code, run.output).toBe(code);
};

describe('every CLI exits once it printed its result', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it.each([
    ['model fuzz', 'tests/fuzz/model-fuzz-cli.ts', ['--seeds', '2', '--from', '1', '--steps', '20'], 0, /converged 2\/2/],
    ['model fuzz, bad argument', 'tests/fuzz/model-fuzz-cli.ts', ['--seeds', 'many'], 2, /--seeds needs a whole number/],
    ['relay fuzz', 'tests/fuzz/relay-fuzz-cli.ts', ['--frames', '300', '--seed', '1'], 0, /relay-fuzz: ok/],
    ['relay fuzz, bad argument', 'tests/fuzz/relay-fuzz-cli.ts', ['--frames', '-1'], 2, /--frames needs a whole number/],
    ['chaos', 'tests/chaos/chaos-cli.ts', ['--scenarios', '1', '--from', '1', '--steps', '12', '--clients', '2', '--kills', '0'], 0, /chaos: 1\/1 scenarios converged/],
    ['bench, unknown scenario', 'bench/run.ts', ['--only', 'nothing'], 1, /unknown scenario "nothing"/]
  ] as const)('%s', async (_name, file, args, code, result) => {
    expectRun(await runCli(file, [...args], result), code, result);
  }, TEST_TIMEOUT_MS);

  it('backup and restore (server/cli), with their usage errors', async () => {
    const source = tempDir('mutual-cli-');
    const target = tempDir('mutual-cli-');
    dirs.push(source, target);
    const server = await startServer({ dataDir: source });
    const ws = await createWorkspace(server.httpUrl);
    await server.close();
    const file = path.join(source, 'backup.json');

    expectRun(await runCli('server/cli/backup.ts', [], /Usage/, { DATA_DIR: source }), 1, /Usage/);
    expectRun(await runCli('server/cli/backup.ts', ['--workspace', ws.workspaceId, '--out', file], /Backed up/, { DATA_DIR: source }), 0, /Backed up workspace/);
    expect(fs.existsSync(file)).toBe(true);
    expectRun(await runCli('server/cli/restore.ts', [], /Usage/, { DATA_DIR: target }), 1, /Usage/);
    expectRun(await runCli('server/cli/restore.ts', ['--in', file], /Restored/, { DATA_DIR: target }), 0, /Restored workspace/);
  }, 4 * TEST_TIMEOUT_MS);
});
