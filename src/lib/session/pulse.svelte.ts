/**
 * Page glue for the group pulse (issue 24). A member's check-ins go to their own private
 * document (served to their devices only); the group's totals are read from the pulse's
 * shared document, where only the relay writes them. A page makes one {@link PulseSession}
 * while on screen and disposes it when it leaves.
 */
import type * as Y from 'yjs';
import type { DocRef } from '$lib/local';
import {
  DEFAULT_TOTALS_THRESHOLD,
  isModelError,
  latestTotals,
  localDate,
  memberPrivateDocId,
  pulsePeriod,
  pulseTotalsOf,
  readPulseHistory,
  recordPulse,
  showsStrain,
  strainOf,
  PULSE_DOC_ID,
  type PulseAnswer,
  type PulseEntry,
  type PulseTotals,
  type Strain
} from '$lib/shared/model';
import { modelErrorText } from '$lib/i18n/model-errors';
import { m } from '$lib/paraglide/messages.js';
import type { WorkspaceSession } from './workspace.svelte';

/** Keep a document open and live while a page shows it; `read` runs now and on every change. Returns what lets go of it. */
function watch<T>(ref: DocRef, read: (doc: Y.Doc) => T, set: (value: T) => void, loaded?: () => void): () => void {
  const update = () => set(read(ref.doc));
  ref.doc.on('update', update);
  void ref.handle.whenLoaded.then(() => (update(), loaded?.()), () => {});
  update();
  return () => {
    ref.doc.off('update', update);
    void ref.release();
  };
}

/** The member's own check-ins and the group's totals, live while a page is on screen. */
export class PulseSession {
  /** My check-ins, newest first (from my private document). */
  history = $state<PulseEntry[]>([]);
  /** My private document has been read from this device or the relay. */
  loaded = $state(false);
  /** The group's published totals. */
  totals = $state<PulseTotals>({ threshold: DEFAULT_TOTALS_THRESHOLD, periods: {}, unshown: {} });
  private readonly releases: Array<() => void> = [];

  constructor(
    private readonly session: WorkspaceSession,
    want: { mine?: boolean; group?: boolean } = { mine: true, group: true }
  ) {
    const mine = want.mine ? session.openOwnPrivate() : null;
    if (mine) this.releases.push(watch(mine, (doc) => readPulseHistory(doc).value, (h) => (this.history = h), () => (this.loaded = true)));
    if (want.group) this.releases.push(watch(session.open(PULSE_DOC_ID), pulseTotalsOf, (t) => (this.totals = t)));
  }

  /** The period a check-in made today belongs to (the group's cadence, this device's date). */
  get period(): string {
    return pulsePeriod(localDate(Date.now()), this.session.settings.pulseCadence);
  }

  /** Save my check-in for the current period; resolves to an error in plain words, or null. */
  async record(answer: PulseAnswer, note: string): Promise<string | null> {
    const docId = memberPrivateDocId(this.session.record.memberId);
    if (!docId) return m.work_failed();
    const actor = this.session.actor;
    const period = this.period;
    try {
      await this.session.withDocument(docId, (doc) => recordPulse(doc, period, answer, note, actor));
      return null;
    } catch (error) {
      if (isModelError(error)) return modelErrorText(error);
      return error instanceof Error ? error.message : String(error);
    }
  }

  dispose(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

/**
 * The pulse's latest totals when they show strain (what the next agenda's "How are we
 * doing?" carries), else null. Reads the pulse's shared document brought up to date first
 * when online; null when the pulse is off.
 */
export async function pulseStrainNow(session: WorkspaceSession): Promise<Strain | null> {
  if (!session.settings.pulse) return null;
  const cadence = session.settings.pulseCadence;
  try {
    const { result } = await session.withDocument(PULSE_DOC_ID, (doc) => latestTotals(pulseTotalsOf(doc), pulsePeriod(localDate(Date.now()), cadence), cadence), { freshMs: 3000 });
    return result && showsStrain(result.totals) ? strainOf(result.totals) : null;
  } catch {
    // The agenda is made either way; without totals it has the usual group-health item.
    return null;
  }
}
