/**
 * What an agenda item block needs from the page beyond the props every block view gets:
 * the proposals of the workspace (for a decision item's picker), links to them, and the
 * relay's clock (for "discuss now", whose countdown every device must agree on).
 *
 * Block views are mounted outside the page's component tree, so context does not reach
 * them. The meeting bar provides the environment per Y.Doc in a reactive map: item views
 * mounted before the bar still pick it up when it arrives. Without one (the /dev/editor
 * sandbox) items work with this device's clock and no picker.
 */
import { SvelteMap } from 'svelte/reactivity';
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

const environments = new SvelteMap<Y.Doc, AgendaEnvironment>();

/** Provide the environment for the agenda items of `doc`; returns a function that removes it. */
export function provideAgendaEnvironment(doc: Y.Doc, env: AgendaEnvironment): () => void {
  environments.set(doc, env);
  return () => {
    if (environments.get(doc) === env) environments.delete(doc);
  };
}

/** The environment of `doc`'s agenda items, or null (sandbox). Reactive. */
export function agendaEnvironment(doc: Y.Doc): AgendaEnvironment | null {
  return environments.get(doc) ?? null;
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
