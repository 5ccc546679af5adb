import { viewLoader, type BlockViews } from '../decorators.ts';

/**
 * The standard Svelte view of each block kind, each loaded with the first document that shows
 * that kind (the editor's own code does not carry the proposal forms of every decision
 * method, the agenda item's meeting controls…). Offline, the service worker has them all.
 */
export const defaultBlockViews: BlockViews = {
  proposal: viewLoader(() => import('./Proposal/ProposalView.svelte')),
  task: viewLoader(() => import('./Task/TaskView.svelte')),
  need: viewLoader(() => import('./Need/NeedView.svelte')),
  agenda: viewLoader(() => import('./Agenda/AgendaView.svelte'))
};
