import type { BlockViews } from '../decorators.ts';
import AgendaView from './Agenda/AgendaView.svelte';
import NeedView from './Need/NeedView.svelte';
import ProposalView from './Proposal/ProposalView.svelte';
import TaskView from './Task/TaskView.svelte';

/** The standard Svelte view of each block kind. */
export const defaultBlockViews: BlockViews = {
  proposal: ProposalView,
  task: TaskView,
  need: NeedView,
  agenda: AgendaView
};
