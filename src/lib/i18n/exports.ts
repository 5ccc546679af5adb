/**
 * The decision log's exports in the chosen language (issue 21): the words the shared exporters
 * take (shared/model/decision-log.ts `DecisionLogWords`), from the messages. Member-written
 * text stays as written; the CSV header stays the same in every language (docs/languages.md).
 */
import type { DecisionLogWords } from '../shared/model/decision-log.ts';
import { m } from '../paraglide/messages.js';
import { resultExplanation } from './results.ts';
import { choiceName, methodName, resultName } from './words.ts';

export function decisionLogWords(): DecisionLogWords {
  return {
    heading: (workspace) => m.export_log_heading({ workspace }),
    exported: (at, count) => m.export_log_exported({ at, count }),
    untitledProposal: m.export_untitled_proposal(),
    untitledDocument: m.export_untitled(),
    decided: m.export_log_decided(),
    method: m.export_log_method(),
    result: m.export_log_result(),
    ballotsCounted: m.export_log_ballots_counted(),
    document: m.export_log_document(),
    reviewOn: m.export_log_review_on(),
    followUpTasks: m.export_log_follow_up_tasks(),
    methodName: (e) => methodName(e.method),
    resultName: (e) => resultName(e),
    explanation: (e) => resultExplanation(e),
    choice: (b) => (b.choiceId ? choiceName(b.choiceId) : b.choice),
    secretTotals: (totals) => m.secret_log_totals({ totals })
  };
}
