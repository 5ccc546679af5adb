/**
 * What block views need from the page around them, beyond their document: the member
 * directory (names, the workload check), the proposal environment (signing, voters, who may
 * close), the agenda environment (the workspace's proposals, the relay's clock), and the
 * editor showing the document (the meeting bar's "Add item" inserts through it), and the relay's
 * clock (claims are stamped with it).
 *
 * Block views are mounted by the decorator bridge with `mount()`, outside the page's component
 * tree, so Svelte context does not reach them. The page makes one context per open document
 * and hands it to the editor, which passes it to every `mount()` (decorators.ts). Its fields
 * are reactive: a part provided after the views mounted (the meeting bar sets the agenda
 * environment when it mounts) still reaches them. Without a page (the /dev/editor sandbox,
 * tests) every part is null and the views fall back: ids for names, no signing, this
 * device's clock.
 */
import type { LexicalEditor } from 'lexical';
import type { MemberDirectory } from './members.ts';
import type { AgendaEnvironment } from './nodes/Agenda/environment.svelte.ts';
import type { ProposalEnvironment } from './nodes/Proposal/environment.ts';

/** Per-document context of block views. */
export class BlockContext {
  /** Who is who in the workspace. */
  members = $state.raw<MemberDirectory | null>(null);
  /** What proposal blocks need to sign, verify, count voters and close. */
  proposals = $state.raw<ProposalEnvironment | null>(null);
  /** What agenda items need: the workspace's proposals and the relay's clock. */
  agenda = $state.raw<AgendaEnvironment | null>(null);
  /** The editor showing the document, once it is ready. */
  editor = $state.raw<LexicalEditor | null>(null);
  /** The relay's time now (ms) as this device knows it: claims are stamped with it (issue 26). */
  serverNow = $state.raw<(() => number) | null>(null);
}
