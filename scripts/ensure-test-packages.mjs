// What the test suite needs from Debian, installed with apt when missing and running as root
// (CI, a fresh dev machine), so `.ci/run` and a new contributor run the same thing:
//  - chromium: browser tests drive Debian's chromium (never a downloaded browser)
//  - firefox-esr: the second engine (tests/e2e/firefox.test.ts), Debian's, through WebDriver BiDi
//  - postgresql, redis-server: the scale-out tests start throwaway servers on loopback
//  - caddy: the deployment tests validate the shipped Caddyfile with `caddy validate`
//    (systemd-analyze, for the shipped unit, comes with systemd)
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

function hasPostgres() {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));
  } catch {
    return false;
  }
}

/** Debian packages the suite needs that this machine lacks. */
export function missingPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium', 'fonts-dejavu-core');
  if (!existsSync(FIREFOX)) missing.push('firefox-esr');
  if (!hasPostgres()) missing.push('postgresql');
  if (!existsSync('/usr/bin/redis-server')) missing.push('redis-server');
  if (!existsSync('/usr/bin/caddy')) missing.push('caddy');
  if (!existsSync('/usr/bin/systemd-analyze')) missing.push('systemd');
  return missing;
}

/** Install what is missing; false (with a plain message) when that is not possible. */
export function ensureTestPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`The test suite needs these Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    return false;
  }
  console.log(`Installing ${missing.join(', ')} for the test suite (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  return install.status === 0 && missingPackages().length === 0;
}
