/**
 * What an agenda item block needs from the page beyond the props every block view gets:
 * the proposals of the workspace (for a decision item's picker), links to them, and the
 * relay's clock (for "discuss now", whose countdown every device must agree on).
 *
 * The meeting bar sets it on the document's BlockContext (context.svelte.ts), whose fields
 * are reactive: item views mounted before the bar still pick it up when it arrives. Without
 * one (the /dev/editor sandbox) items work with this device's clock and no picker.
 */
import type * as Y from 'yjs';

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

/**
 * Something read from the document's meta map (meeting and facilitation state), kept live.
 * Call inside a component's setup.
 */
export function liveMeta<T>(doc: () => Y.Doc, read: () => T): { readonly value: T } {
  let value = $state(read());
  $effect(() => {
    const meta = doc().getMap<unknown>('meta');
    const refresh = (): void => {
      value = read();
    };
    meta.observe(refresh);
    refresh();
    return () => meta.unobserve(refresh);
  });
  return {
    get value() {
      return value;
    }
  };
}
