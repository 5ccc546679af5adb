/** Build the app when build/ is missing or older than its sources; true when it built. */
export function buildIfStale(options?: { force?: boolean }): boolean;
