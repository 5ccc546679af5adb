/**
 * Admitting a socket reads the membership store twice (before and after loading the
 * document). A store that fails there is a server fault — the device must retry (1011) —
 * never "this token is not valid" (4401), which a device remembers as "removed from the
 * workspace" and stops syncing for good.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '#shared/protocol';
import type { Auth } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory.ts';
import { createRelay, type Relay } from './relay.ts';

const member: AuthenticatedMember = { workspaceId: 'w1', memberId: 'ana', deviceId: 'first', name: 'Ana', role: 'editor', coordinator: false };

/** An Auth whose membership store answers calls in turn: a member, null (no such token), or an error. */
function flakyAuth(answers: ('member' | 'none' | 'error')[]): Auth {
  let call = 0;
  const read = async () => {
    const answer = answers[Math.min(call++, answers.length - 1)];
    if (answer === 'error') throw new Error('SQLITE_BUSY: database is locked (simulated)');
    return answer === 'member' ? member : null;
  };
  return {
    authenticate: read,
    // The second read (after loading the document) checks the same device again.
    recheck: read,
    whyRefused: async () => 'unknown',
    onMemberEvent: () => () => {},
    getMember: async () => null
  } as unknown as Auth;
}

const running: { relay: Relay; server: http.Server }[] = [];
afterEach(async () => {
  for (const { relay, server } of running.splice(0)) {
    await relay.close();
    server.close();
  }
});

async function closeCodeWith(auth: Auth): Promise<number> {
  const relay = createRelay({ config: { unloadGraceMs: 10, compactAfterUpdates: 0, compactAfterBytes: 0 }, store: createMemoryStore(), auth, logger: createLogger('silent') });
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => relay.handleUpgrade(req, socket, head) || socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ relay, server });
  const { port } = server.address() as AddressInfo;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/w1/notes?token=${'t'.repeat(43)}`);
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

describe('admitting a socket when the membership store fails', () => {
  it('a failure on the second read (after loading the document) closes 1011, not 4401', async () => {
    expect(await closeCodeWith(flakyAuth(['member', 'error']))).toBe(1011);
  });

  it('a failure on the first read closes 1011 too', async () => {
    expect(await closeCodeWith(flakyAuth(['error']))).toBe(1011);
  });

  it('a token the store does not know still closes 4401', async () => {
    expect(await closeCodeWith(flakyAuth(['none']))).toBe(CloseCode.unauthorized);
    expect(await closeCodeWith(flakyAuth(['member', 'none']))).toBe(CloseCode.unauthorized);
  });
});
