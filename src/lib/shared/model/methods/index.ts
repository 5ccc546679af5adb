/** The registry of decision methods: the one place a new method is added. */
import { consensus, consent, majority } from './choice';
import { rankedChoice } from './ranked';
import { score } from './score';
import { MethodIds, type DecisionMethod, type MethodId } from './types';

export * from './types';
export { MAX_SCORE } from './score';

/** Every decision method by id. */
export const METHODS: Readonly<Record<MethodId, DecisionMethod>> = {
  consent,
  consensus,
  majority,
  score,
  'ranked-choice': rankedChoice
};

/** True when `value` names a registered method. */
export function isMethodId(value: unknown): value is MethodId {
  return typeof value === 'string' && (MethodIds as readonly string[]).includes(value);
}

/** The method with this id. */
export function getMethod(id: MethodId): DecisionMethod {
  return METHODS[id];
}
