import { withThreshold, type Aggregator } from '../../src/lib/shared/model/index.ts';

/** A small aggregator for tests of the mechanism: answers are 1–5; totals are their sum and each answer, sorted. */
export const mood: Aggregator<number> = {
  id: 'mood',
  parse: (raw) => (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 5 ? raw : null),
  targetState: () => 'open',
  aggregate: ({ answers }) => withThreshold(answers, (list) => ({ sum: list.reduce((s, a) => s + a.answer, 0), each: list.map((a) => a.answer).sort() }))
};
