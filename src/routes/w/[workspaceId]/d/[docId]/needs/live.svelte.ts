/**
 * Live state of a needs board page: the board's entries (from the board document, which every
 * member has) and, for coordinators only, the contact details (from the board's private
 * document, opened only when the member may read it — a non-coordinator's device never asks).
 */
import type * as Y from 'yjs';
import { getContacts, privateDocIdFor, readContacts, readNeeds, type ContactDetails, type NeedView } from '$lib/shared/model';
import type { WorkspaceSession } from '$lib/session/workspace.svelte';
import type { DocRef } from '$lib/local';
import { getLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import { timeAgo } from '$lib/i18n/format';

/** The entries of a board, re-read after every change of its document. */
export function liveEntries(doc: () => Y.Doc): { readonly value: NeedView[] } {
  let value = $state<NeedView[]>([]);
  $effect(() => {
    const d = doc();
    const refresh = (): void => {
      value = readNeeds(d).value;
    };
    d.on('update', refresh);
    refresh();
    return () => d.off('update', refresh);
  });
  return {
    get value() {
      return value;
    }
  };
}

/** What the board knows about contact details on this device. */
export type ContactsState = 'hidden' | 'loading' | 'ready' | 'refused';

/** Contact details of a board for a coordinator; `hidden` (nothing opened) for everyone else. */
export class LiveContacts {
  state = $state<ContactsState>('hidden');
  byEntry = $state<Record<string, ContactDetails>>({});
  /** Why the relay refused, in plain words. */
  reason = $state('');
  private opened: DocRef | null = null;

  /** The private Y.Doc (null unless open). Mutate it only through the contacts model. */
  get doc(): Y.Doc | null {
    return this.opened?.doc ?? null;
  }

  /** Open the private document of `boardId`; returns the function that closes it. */
  open(session: WorkspaceSession, boardId: string): () => void {
    const opened = session.open(privateDocIdFor(boardId));
    this.opened = opened;
    this.state = 'loading';
    const contacts = getContacts(opened.doc);
    const refresh = (): void => {
      const next: Record<string, ContactDetails> = {};
      for (const c of readContacts(opened.doc).value) next[c.entryId] = c;
      this.byEntry = next;
    };
    contacts.observeDeep(refresh);
    let cancelled = false;
    void opened.handle.whenLoaded.then(() => {
      if (cancelled) return;
      refresh();
      // Offline, the device's copy is what there is: ready as soon as it is loaded.
      if (this.state === 'loading') this.state = 'ready';
    });
    const unsubscribe = opened.status.subscribe((s) => {
      if (s.state === 'refused') {
        this.state = 'refused';
        this.reason = s.refused?.reason ?? '';
      }
    });
    return () => {
      cancelled = true;
      unsubscribe();
      contacts.unobserveDeep(refresh);
      this.opened = null;
      this.byEntry = {};
      this.state = 'hidden';
      void opened.release();
    };
  }
}

/** "just now", "5 minutes ago", "3 days ago" — how long ago `at` was, in plain words. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return m.format_just_now();
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute']
  ];
  for (const [size, unit] of units) if (s >= size) return timeAgo(Math.floor(s / size), unit);
  return m.format_just_now();
}

/** A date as people read it ("12 March"). */
export function dayOf(at: number): string {
  return new Date(at).toLocaleDateString(getLocale(), { day: 'numeric', month: 'long' });
}
