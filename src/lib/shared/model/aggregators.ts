/**
 * The registry of aggregators (issue 24): every kind of private answer the relay turns into
 * shared totals. Adding one is one file (an {@link Aggregator}) and one line here; the relay
 * (server/private/totals.ts) serves every aggregator listed. See docs/model.md, *Member-private
 * documents and server totals*.
 */
import type { Aggregator } from './private-totals';
import { pulseAggregator } from './pulse-totals';
import { secretBallotAggregator } from './secret-ballot';

/** Aggregators by id (the first part of an answer key). */
export const AGGREGATORS: Readonly<Record<string, Aggregator<unknown>>> = Object.freeze({
  [secretBallotAggregator.id]: secretBallotAggregator as Aggregator<unknown>,
  /** The group pulse (pulse-totals.ts): one subject per check-in period, totals into `group-pulse`. */
  [pulseAggregator.id]: pulseAggregator as Aggregator<unknown>
});

/** The aggregator with this id, or null. */
export function aggregatorOf(id: string, registry: Readonly<Record<string, Aggregator<unknown>>> = AGGREGATORS): Aggregator<unknown> | null {
  return Object.prototype.hasOwnProperty.call(registry, id) ? (registry[id] ?? null) : null;
}
