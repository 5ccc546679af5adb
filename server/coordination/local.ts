/** The coordinator of a single instance: always the leader; one job per key at a time in this process. */
import type { Coordinator, ExclusiveOutcome } from './types.ts';

export function createLocalCoordinator(): Coordinator {
  const running = new Set<string>();
  return {
    isLeader: true,
    onLeaderChange: () => () => {},
    async exclusive<T>(key: string, job: () => Promise<T>): Promise<ExclusiveOutcome<T>> {
      if (running.has(key)) return { ran: false };
      running.add(key);
      try {
        return { ran: true, value: await job() };
      } finally {
        running.delete(key);
      }
    },
    async close() {}
  };
}
