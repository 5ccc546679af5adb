/**
 * What dashboards read of one document, computed once per change of that document.
 *
 * Views across documents (My work, Open tasks, Workload, Decisions, a workspace's open
 * proposals) used to read every document's Y.Doc on every change of any of them, and so kept
 * every Y.Doc of the workspace in memory. A summary holds just the blocks those views read,
 * as plain values; a device keeps one per document, recomputes only the one whose document
 * changed, and lets go of the Y.Doc. The views then combine summaries (see views.ts,
 * sharing.ts, decisions.ts, decision-log.ts), which is cheap.
 */
import type * as Y from 'yjs';
import { agendaOrder, type AgendaItemView } from './agenda';
import { openThreadCount, readThreads } from './comments';
import { mentionsIn, type MentionEntry } from './mentions';
import { textMentionsIn } from './text-mentions';
import { anchoredBlockIds } from './anchors';
import { decisionEntriesOf, type DecisionLogEntry } from './decision-log';
import { collectBlocks } from './doc';
import type { InDoc, WorkspaceDoc } from './doc-set';
import { readProposal, type ProposalView } from './proposal-read';
import { readTask, type TaskView } from './task';
import { uniqueIssues, type ModelIssue, type Read } from './validate';

/** The blocks of one document that views across documents read (anchored in its text only). */
export interface DocSummary {
  docId: string;
  tasks: InDoc<TaskView>[];
  proposals: InDoc<ProposalView>[];
  /** Agenda items, in agenda order. */
  agendaItems: InDoc<AgendaItemView>[];
  /** Decided proposals as the decision log lists them (`docTitle` empty: titles live in the catalogue). */
  decisions: DecisionLogEntry[];
  /** Comment threads not resolved (issue 22: the count shown in the list of documents). */
  openComments: number;
  /** Members mentioned in its open threads and in its text (issue 22: "What needs me", and what a notifier reads). */
  mentions: MentionEntry[];
}

/** Summarise one document. */
export function summariseDocument(docId: string, doc: Y.Doc): Read<DocSummary> {
  const issues: ModelIssue[] = [];
  const one = [{ docId, doc }];
  const tasks = collectBlocks(one, 'task', readTask, issues);
  const proposals = collectBlocks(one, 'proposal', readProposal, issues);
  const agenda = agendaOrder(doc);
  issues.push(...agenda.issues);
  const anchored = anchoredBlockIds(doc);
  const agendaItems = agenda.value.filter((item) => anchored.has(item.id)).map((item) => ({ ...item, docId }));
  const decisions = decisionEntriesOf({ docId, doc, title: '' }, issues);
  const threads = readThreads(doc);
  issues.push(...threads.issues);
  return { value: { docId, tasks, proposals, agendaItems, decisions, openComments: openThreadCount(threads.value), mentions: [...mentionsIn(docId, threads.value), ...textMentionsIn(docId, doc)] }, issues: uniqueIssues(issues) };
}

/** Summarise several documents (views over Y.Docs, as tests and the relay call them). */
export function summariseDocuments(docs: readonly WorkspaceDoc[]): Read<DocSummary[]> {
  const issues: ModelIssue[] = [];
  const value = docs.map(({ docId, doc }) => {
    const read = summariseDocument(docId, doc);
    issues.push(...read.issues);
    return read.value;
  });
  return { value, issues: uniqueIssues(issues) };
}

/** What a dashboard watches (see {@link documentsToWatch}). */
export type WatchedBlocks = 'tasks' | 'proposals' | 'work';

/**
 * The documents a dashboard keeps live while it is on screen (issue 26), most important first:
 * those holding the blocks it lists, in the order listed (what is on screen first); then every
 * other document where another member's action could change what it lists — any task not
 * done (`tasks`: a claim, a release, a scale back), any proposal (`proposals`: a ballot, a
 * close, a reopen), or both and agenda items (`work`: My work); then `others` (say, the rest
 * of the catalogue, newest first), where blocks may yet be written. The caller keeps as many
 * as its budget allows.
 */
export function documentsToWatch(listed: readonly { docId: string }[], summaries: readonly DocSummary[], what: WatchedBlocks, others: readonly string[] = []): string[] {
  const ids = new Set(listed.map((b) => b.docId));
  for (const s of summaries) {
    const tasks = what !== 'proposals' && s.tasks.some((t) => t.status !== 'done');
    const proposals = what !== 'tasks' && s.proposals.length > 0;
    const agenda = what === 'work' && s.agendaItems.some((a) => a.status !== 'done');
    if (tasks || proposals || agenda) ids.add(s.docId);
  }
  for (const id of others) ids.add(id);
  return [...ids];
}
