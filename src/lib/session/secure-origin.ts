/**
 * Whether this page is served over plain HTTP from somewhere other than this machine (issue
 * 18). Browsers withhold what Mutual needs from such pages — WebCrypto signing keys (ballots),
 * the service worker (offline use) and the clipboard (device links) — and anyone on the
 * network path can read tokens. localhost counts as secure, so a laptop demo is fine.
 */
export function needsHttps(location: { protocol: string; hostname: string }): boolean {
  if (location.protocol !== 'http:') return false;
  const host = location.hostname.replace(/^\[|\]$/g, '');
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host));
}
