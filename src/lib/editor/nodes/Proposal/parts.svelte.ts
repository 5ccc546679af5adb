/**
 * The parts of a proposal's view that only some proposals show, loaded when one first does
 * (issue 25): the ballot form of each decision method, and what an open or decided proposal
 * shows (ballots cast, results, outcome, follow-up, lifecycle, the close confirmation; a
 * secret ballot's panel and the code that casts and reads secret ballots). A document of drafts loads
 * none of them; one with consent proposals loads the consent form, not the ranked or score one.
 *
 * The decorator bridge calls {@link prepareProposal} before mounting a proposal's view, so a
 * view shows complete from its first frame; a proposal that changes state later (opened,
 * decided) renders the new part as soon as its code arrives (from the service worker offline).
 */
import type * as Y from 'yjs';
import { getMethod } from '../../../shared/model/methods/index.ts';
import { readProposal } from '../../../shared/model/proposal-read.ts';
import type { ProposalView } from '../../../shared/model/proposal-read.ts';

const loaders = {
  ChoiceBallot: () => import('./ChoiceBallot.svelte'),
  RankedBallot: () => import('./RankedBallot.svelte'),
  ScoreBallot: () => import('./ScoreBallot.svelte'),
  BallotList: () => import('./BallotList.svelte'),
  LifecycleActions: () => import('./LifecycleActions.svelte'),
  History: () => import('./History.svelte'),
  ResultsPanel: () => import('./ResultsPanel.svelte'),
  OutcomePanel: () => import('./OutcomePanel.svelte'),
  FollowUp: () => import('./FollowUp.svelte'),
  CloseConfirm: () => import('./CloseConfirm.svelte'),
  SecretPanel: () => import('./SecretPanel.svelte'),
  // Not a component: casting, withdrawing and reading one's own secret ballot (issue 24).
  SecretBallots: () => import('../../../shared/model/secret-ballot.ts').then((code) => ({ default: code }))
};

export type PartName = keyof typeof loaders;
type Parts = { [K in PartName]: Awaited<ReturnType<(typeof loaders)[K]>>['default'] };

/** The ballot form of a decision method. */
export function ballotFormOf(methodId: string): 'ScoreBallot' | 'RankedBallot' | 'ChoiceBallot' {
  return methodId === 'score' ? 'ScoreBallot' : methodId === 'ranked-choice' ? 'RankedBallot' : 'ChoiceBallot';
}

/** The parts a proposal in this state shows. */
export function partsFor(view: ProposalView | null): PartName[] {
  if (!view || view.status === 'draft' || !view.method || !getMethod(view.method)) return [];
  const common: PartName[] = ['BallotList', 'LifecycleActions', 'History', ...(view.secret ? (['SecretPanel', 'SecretBallots'] as const) : [])];
  if (view.status === 'open') return [...common, ballotFormOf(view.method), 'CloseConfirm'];
  return [...common, 'ResultsPanel', 'OutcomePanel', 'FollowUp'];
}

class ProposalParts {
  /** Loaded parts, as Svelte state: a view reading one renders it once it arrives. */
  private loaded = $state<Partial<Parts>>({});
  private readonly pending = new Map<PartName, Promise<void>>();

  /** The part if its code is here; otherwise null, and its code starts loading. */
  get<K extends PartName>(name: K): Parts[K] | null {
    const part = this.loaded[name];
    if (part) return part;
    void this.load(name);
    return null;
  }

  /** Load parts; resolves when all are here (a failure is logged, and the view goes without). */
  async load(...names: PartName[]): Promise<void> {
    await Promise.all(
      names.map((name) => {
        if (this.loaded[name]) return undefined;
        let pending = this.pending.get(name);
        if (!pending) {
          pending = loaders[name]().then(
            (module) => {
              this.loaded = { ...this.loaded, [name]: module.default };
            },
            (error: unknown) => {
              this.pending.delete(name);
              console.error(`Mutual: a part of the proposal view (${name}) could not be loaded`, error);
            }
          );
          this.pending.set(name, pending);
        }
        return pending;
      })
    );
  }

  has(names: PartName[]): boolean {
    return names.every((name) => this.loaded[name] !== undefined);
  }
}

/** The page's one set of proposal parts. */
export const proposalParts = new ProposalParts();

/** Before a proposal's view mounts: load what it will show (null when already here). */
export function prepareProposal(doc: Y.Doc, blockId: string): Promise<void> | null {
  const names = partsFor(readProposal(doc, blockId).value);
  return proposalParts.has(names) ? null : proposalParts.load(...names);
}
