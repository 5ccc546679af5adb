import { startOpening } from '$lib/session/device';
import type { PageLoad } from './$types';

// Runs before any component of the page mounts: a cold open of this address starts opening the
// device and reading this document's records now, not once the workspace session is up (issue 25).
export const load: PageLoad = ({ params }) => {
  startOpening(params.workspaceId, params.docId);
};
