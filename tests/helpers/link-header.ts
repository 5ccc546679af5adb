/**
 * The scripts a response's `Link` header announces (`rel="modulepreload"`), as served paths
 * without the leading slash (`_app/immutable/chunks/X.js`, as the client manifest names them).
 */
export function announcedScripts(link: string | null | undefined): string[] {
  return [...(link ?? '').matchAll(/<\/([^>]+)>; rel="modulepreload"/g)].map((m) => m[1]!);
}
