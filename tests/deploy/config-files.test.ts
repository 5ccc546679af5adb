/**
 * The shipped deployment files: the Caddyfile passes `caddy validate` and proxies to Mutual
 * with the token left out of its access log; the systemd unit passes `systemd-analyze
 * verify` without a warning; the Dockerfile has a build and a runtime stage, a user without
 * privileges, the data volume and a health check; compose.yaml wires Caddy to Mutual.
 * Tools missing on this machine are installed by the suite (scripts/ensure-test-packages.mjs).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readDockerfile } from './dockerfile.ts';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CADDYFILE = path.join(ROOT, 'deploy/Caddyfile');

describe('deployment files', () => {
  it('the Caddyfile is valid and proxies the domain to Mutual', async () => {
    const env = { ...process.env, MUTUAL_DOMAIN: 'mutual.example.org', MUTUAL_UPSTREAM: 'mutual:3000' };
    const validated = await run('caddy', ['validate', '--config', CADDYFILE, '--adapter', 'caddyfile'], { env });
    expect(validated.stdout + validated.stderr).toContain('Valid configuration');
    const { stdout } = await run('caddy', ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile'], { env });
    const json = JSON.parse(stdout) as { apps: { http: { servers: Record<string, { routes: unknown[] }> } }; logging: unknown };
    const text = JSON.stringify(json);
    expect(text).toContain('"host":["mutual.example.org"]');
    expect(text).toContain('"handler":"reverse_proxy","upstreams":[{"dial":"mutual:3000"}]');
    // Neither a stock client's token nor the app's ticket in /sync/ addresses reaches the access log.
    expect(text).toContain('"request>uri":{"actions":[{"parameter":"token","type":"delete"},{"parameter":"ticket","type":"delete"}],"filter":"query"}');
  });

  it('the systemd unit passes systemd-analyze verify without a warning', async () => {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', path.join(ROOT, 'deploy/mutual.service')]);
    expect(stdout + stderr).toBe('');
  });

  it('the Dockerfile builds in one stage and runs as a user without privileges in another, with a health check', () => {
    const recipe = readDockerfile(path.join(ROOT, 'Dockerfile'));
    expect(recipe.stages).toBe(2);
    expect(recipe.runtimeStage).toMatch(/^USER node$/m);
    expect(recipe.runtimeStage).toMatch(/^VOLUME \[.*"\/data".*\]$/m);
    expect(recipe.runtimeStage).toMatch(/^HEALTHCHECK .*\/healthz/m);
    expect(recipe.runtimeStage).not.toMatch(/npm run build|npm ci --no-audit/);
    expect(recipe.copies).toEqual(expect.arrayContaining(['build', 'server', 'src/lib/shared', 'src/lib/paraglide', 'node_modules', 'package.json']));
    expect(recipe.cmd).toEqual(['node', '--import', 'tsx', 'server/main.ts']);
  });

  it('the upgrade script is a valid shell script, executable', async () => {
    const script = path.join(ROOT, 'deploy/upgrade.sh');
    await run('sh', ['-n', script]);
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
  });

  it('README and docs/self-hosting.md list every setting the server reads, and compose.yaml sets no other', () => {
    const read = new Set<string>();
    for (const file of ['server/config.ts', 'server/main.ts']) {
      for (const m of fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/env\.([A-Z][A-Z0-9_]+)/g)) read.add(m[1]);
    }
    expect(read.size).toBeGreaterThan(20);
    // The contract asks README to document each setting; self-hosting.md has the same table.
    for (const [file, from, to] of [
      ['docs/self-hosting.md', '## Configuration', '## Checklist'],
      ['README.md', '### Configuration', '### Back up']
    ]) {
      const doc = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const table = doc.slice(doc.indexOf(from), doc.indexOf(to));
      const documented = new Set([...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
      expect([...read].filter((name) => !documented.has(name)), file).toEqual([]);
      expect([...documented].filter((name) => !read.has(name)), file).toEqual([]);
    }
    const compose = fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
    const mutual = compose.slice(compose.indexOf('  mutual:'), compose.indexOf('  caddy:'));
    const set = [...mutual.matchAll(/^ {6}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(set.filter((name) => !read.has(name))).toEqual([]);
  });

  it('compose.yaml puts Caddy in front of Mutual, with PostgreSQL and Redis only in the scale profile', () => {
    const compose = fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
    expect(compose).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(compose).toMatch(/MUTUAL_UPSTREAM: mutual:3000/);
    expect(compose).toMatch(/PUBLIC_ORIGIN: https:\/\/\$\{MUTUAL_DOMAIN/);
    expect(compose).toMatch(/postgres:\n {4}profiles: \["scale"\]/);
    expect(compose).toMatch(/redis:\n {4}profiles: \["scale"\]/);
    // Mutual itself publishes no port: only Caddy faces the internet.
    const mutual = compose.slice(compose.indexOf('  mutual:'), compose.indexOf('  caddy:'));
    expect(mutual).not.toMatch(/^\s+ports:/m);
  });
});
