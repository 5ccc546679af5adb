/**
 * The page-level handle on this device's local-first state: one `Device` per page load,
 * shared by every route (opening IndexedDB and the replicators once, so moving between
 * the workspace page and a document never reconnects).
 */
import { openDevice, ticketWebSocket, type Device } from '$lib/local';
import { isValidId } from '$lib/shared/protocol';

let opening: Promise<Device> | null = null;

/**
 * This device's store, catalogue and replicators (opened on first use). `readAhead`: the
 * document a page opened to show, read alongside the device's start (used on first use only).
 */
export function device(readAhead?: { workspaceId: string; docId: string }): Promise<Device> {
  // Sockets authenticate with single-use tickets: the device's token never sits in a URL a
  // reverse proxy would log (issue 18).
  opening ??= openDevice({ WebSocket: ticketWebSocket(globalThis.WebSocket), ...(readAhead ? { readAhead } : {}) });
  return opening;
}

/**
 * A document page opened the app (issue 25): open the device now, from the route's `load`,
 * with that document's records read as soon as IndexedDB is open, instead of after the
 * layouts mounted, the workspace session started and the page asked for it. Once the device
 * is open (moving between pages) the page's own read starts at once anyway: nothing to do.
 */
export function startOpening(workspaceId: string, docId: string): void {
  if (opening || !isValidId(workspaceId) || !isValidId(docId)) return;
  device({ workspaceId, docId }).catch(() => {
    // The layout awaits the same opening and shows its failure.
  });
}

/** The name this person used most recently on this device (to prefill forms). */
export function lastMemberName(d: Device): string {
  const list = d.workspaces.catalogue.get();
  const latest = [...list].sort((a, b) => b.joinedAt - a.joinedAt)[0];
  return latest?.memberName ?? '';
}
