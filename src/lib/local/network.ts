/**
 * Whether the device thinks it is online, behind a tiny interface so tests can
 * drive it. In the browser: `navigator.onLine` plus the `online`/`offline`
 * events (a hint only: "online" can still mean the relay is unreachable, which
 * the sync status then shows as offline).
 */

/** The network environment the replicator listens to. */
export interface NetworkEnvironment {
  isOnline(): boolean;
  /** Call `listener` on every change; returns a function that stops listening. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** The browser's network state; "always online" where there is no `window` (Node, tests). */
export function browserNetwork(): NetworkEnvironment {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') {
    return { isOnline: () => true, subscribe: () => () => {} };
  }
  return {
    isOnline: () => navigator.onLine !== false,
    subscribe(listener) {
      const online = (): void => listener(true);
      const offline = (): void => listener(false);
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
      };
    }
  };
}

/** A network whose state a test sets by hand. */
export interface ManualNetwork extends NetworkEnvironment {
  set(online: boolean): void;
}

/** Create a {@link ManualNetwork} (for tests and for forcing offline mode). */
export function manualNetwork(initiallyOnline = true): ManualNetwork {
  let online = initiallyOnline;
  const listeners = new Set<(online: boolean) => void>();
  return {
    isOnline: () => online,
    set(next) {
      if (next === online) return;
      online = next;
      for (const listener of [...listeners]) listener(online);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }
  };
}
