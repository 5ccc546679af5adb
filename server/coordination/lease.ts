/**
 * The leader lease as a state machine (pure): an instance connects a session of its own to
 * PostgreSQL, tries to take the advisory lock while it is a follower, and while it is the
 * leader checks that its session still answers. Losing the session (PostgreSQL restarted,
 * the network cut, a check not answered in time) loses the lease: PostgreSQL releases a
 * session's advisory locks when the session ends, and the instance must assume that has
 * happened. The runner (postgres.ts) performs the effects.
 */

export type LeaseState =
  | { kind: 'connecting' }
  | { kind: 'follower' }
  | { kind: 'leader' }
  | { kind: 'closed' };

export type LeaseEvent =
  | { type: 'connected' }
  /** The session could not be opened, failed, or a check was not answered in time. */
  | { type: 'sessionLost' }
  | { type: 'tried'; acquired: boolean }
  | { type: 'checked' }
  | { type: 'tick' }
  | { type: 'close' };

export type LeaseEffect =
  | { type: 'connect' }
  | { type: 'tryLock' }
  | { type: 'check' }
  /** Wait, then tick (a follower tries again; a leader checks again; a lost session reconnects). */
  | { type: 'wait' }
  | { type: 'dropSession' }
  | { type: 'announce'; leader: boolean }
  /** Release the lock (so another instance takes over at once) and end the session. */
  | { type: 'release' };

export interface LeaseTransition {
  state: LeaseState;
  effects: LeaseEffect[];
}

const stay = (state: LeaseState): LeaseTransition => ({ state, effects: [] });

/** The next state and effects (exhaustive over states and events; unexpected events change nothing). */
export function nextLease(state: LeaseState, event: LeaseEvent): LeaseTransition {
  if (state.kind === 'closed') return stay(state);
  if (event.type === 'close') return { state: { kind: 'closed' }, effects: [...(state.kind === 'leader' ? [{ type: 'announce', leader: false } as const] : []), { type: 'release' }] };
  if (event.type === 'sessionLost') {
    const lost: LeaseEffect[] = state.kind === 'leader' ? [{ type: 'announce', leader: false }] : [];
    return { state: { kind: 'connecting' }, effects: [...lost, { type: 'dropSession' }, { type: 'wait' }] };
  }
  switch (state.kind) {
    case 'connecting':
      if (event.type === 'connected') return { state: { kind: 'follower' }, effects: [{ type: 'tryLock' }] };
      if (event.type === 'tick') return { state, effects: [{ type: 'connect' }] };
      return stay(state);
    case 'follower':
      if (event.type === 'tried') return event.acquired ? { state: { kind: 'leader' }, effects: [{ type: 'announce', leader: true }, { type: 'wait' }] } : { state, effects: [{ type: 'wait' }] };
      if (event.type === 'tick') return { state, effects: [{ type: 'tryLock' }] };
      return stay(state);
    case 'leader':
      if (event.type === 'checked') return { state, effects: [{ type: 'wait' }] };
      if (event.type === 'tick') return { state, effects: [{ type: 'check' }] };
      return stay(state);
  }
}
