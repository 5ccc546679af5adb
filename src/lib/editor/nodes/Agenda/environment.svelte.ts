/**
 * What an agenda item block needs from the page beyond the props every block view gets:
 * the proposals of the workspace (for a decision item's picker), links to them, and the
 * relay's clock (for "discuss now", whose countdown every device must agree on).
 *
 * The meeting bar sets it on the document's BlockContext (context.svelte.ts), whose fields
 * are reactive: item views mounted before the bar still pick it up when it arrives. Without
 * one (the /dev/editor sandbox) items work with this device's clock and no picker.
 */

/** A proposal someone can link a decision item to. */
export interface ProposalChoice {
  docId: string;
  proposalId: string;
  title: string;
  docTitle: string;
  status: string;
}

export interface AgendaEnvironment {
  docId: string;
  /** Proposals of the workspace, newest documents first (reactive). */
  proposals(): ProposalChoice[];
  /** Address of a proposal's document. */
  proposalHref(docId: string): string;
  /** The relay's time now (ms). */
  now(): number;
}
