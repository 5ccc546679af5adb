/** Link schemes people may click in a document. Everything else (javascript:, data:, vbscript:, file:…) is refused. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/**
 * Return a safe, absolute URL for a link, or null when it must not become a link.
 *
 * Bare domains ("example.org/page") get https:// so a typed link works. Control
 * characters and whitespace inside the scheme are stripped first, because browsers
 * ignore them ("java\tscript:" runs as javascript:).
 */
export function sanitizeUrl(input: string): string | null {
  // eslint-disable-next-line no-control-regex
  const trimmed = input.replace(/[\u0000-\u001F\u007F]/g, '').trim();
  if (trimmed === '') return null;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : guessAbsolute(trimmed);
  if (candidate === null) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return null;
  return url.href;
}

function guessAbsolute(text: string): string | null {
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return `mailto:${text}`;
  if (/^\+?[0-9 ()-]{5,}$/.test(text)) return `tel:${text.replace(/[^0-9+]/g, '')}`;
  // Relative paths and fragments have no meaning inside a shared document.
  if (/^[\w-]+(\.[\w-]+)+([/?#].*)?$/.test(text)) return `https://${text}`;
  return null;
}
