/**
 * The page-level handle on this device's local-first state: one `Device` per page load,
 * shared by every route (opening IndexedDB and the replicators once, so moving between
 * the workspace page and a document never reconnects).
 */
import { openDevice, ticketWebSocket, type Device } from '$lib/local';

let opening: Promise<Device> | null = null;

/** This device's store, catalogue and replicators (opened on first use). */
export function device(): Promise<Device> {
  // Sockets authenticate with single-use tickets: the device's token never sits in a URL a
  // reverse proxy would log (issue 18).
  opening ??= openDevice({ WebSocket: ticketWebSocket(globalThis.WebSocket) });
  return opening;
}

/** The name this person used most recently on this device (to prefill forms). */
export function lastMemberName(d: Device): string {
  const list = d.workspaces.catalogue.get();
  const latest = [...list].sort((a, b) => b.joinedAt - a.joinedAt)[0];
  return latest?.memberName ?? '';
}
