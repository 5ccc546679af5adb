// Points every import of @lexical/clipboard (the only one is @lexical/rich-text's) at
// src/lib/editor/clipboard-lazy.ts, which loads the real module at the first idle moment or at
// the first copy, cut, paste or drop: it and @lexical/html, which it brings, are then no part of
// the document page's first paint (issue 25, docs/performance.md "Fifth pass"). The stand-in's
// own dynamic import is left alone. Build only: the dev server pre-bundles @lexical/rich-text
// with the real module (the same code, loaded eagerly).
import path from 'node:path';

const STAND_IN = 'src/lib/editor/clipboard-lazy.ts';

/** @returns {import('vite').Plugin} */
export function lazyClipboard() {
  let standIn = '';
  return {
    name: 'mutual-lazy-clipboard',
    apply: 'build',
    enforce: 'pre',
    configResolved(config) {
      standIn = path.join(config.root, STAND_IN);
    },
    resolveId(source, importer) {
      if (source !== '@lexical/clipboard' || !importer || path.normalize(importer) === standIn) return null;
      return standIn;
    }
  };
}
