// Paraglide compiles each message into a module with one function per language and a chooser
// (≈ 200 bytes of code around the texts). Most messages take no inputs: their module is
// rewritten here to the texts and one shared chooser (src/lib/paraglide/text.js), which keeps
// the same export, the same call signature and the same .d.ts (issue 25: the messages the
// editor's first paint carries were ≈ a third wrapper). Messages with inputs, plurals or
// anything else not of the plain form are left as Paraglide wrote them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEXT_MODULE = `/* eslint-disable */
// Written by scripts/paraglide-compact.mjs: the chooser shared by every message without inputs.
import { getLocale, experimentalStaticLocale, locales } from './runtime.js';

/**
 * A message without inputs: its text in each of \`locales\`, in their order (the base locale first).
 * @param {...string} byLocale
 * @returns {(inputs?: {}, options?: { locale?: import('./runtime.js').Locale }) => string}
 */
export const text = (...byLocale) => (_inputs = {}, options = {}) => byLocale[locales.indexOf(experimentalStaticLocale ?? options.locale ?? getLocale())] ?? byLocale[0];
`;

/**
 * One language's function of a message without inputs: `const <locale>_<id> = … () => { return (`text`) };`.
 * @param {string} locale
 * @param {string} id
 */
const plainFunction = (locale, id) =>
  new RegExp(
    `const ${locale}_${id} = /\\*\\* @type \\{\\(inputs: \\w+\\) => LocalizedString\\} \\*/ \\(\\) => \\{\\n\\treturn /\\*\\* @type \\{LocalizedString\\} \\*/ \\((\`[^\`\\\\$]*(?:\\\\.[^\`\\\\$]*)*\`)\\)\\n\\};`
  );

/**
 * The compact module for message `id`, or null when its module is not of the plain form.
 * @param {string} source
 * @param {string} id
 * @param {readonly string[]} locales
 * @returns {string | null}
 */
export function compactMessage(source, id, locales) {
  if (!new RegExp(`^export const ${id} = `, 'm').test(source)) return null;
  const texts = [];
  for (const locale of locales) {
    const match = plainFunction(locale, id).exec(source);
    if (!match) return null;
    texts.push(match[1]);
  }
  return `/* eslint-disable */\nimport { text } from '../text.js';\n\nexport const ${id} = /* @__PURE__ */ text(${texts.join(', ')});\n`;
}

/**
 * Rewrite the plain message modules of a compiled output folder; returns how many.
 * @param {string} outdir
 * @param {readonly string[]} locales
 */
export function compactMessages(outdir, locales) {
  writeFileSync(join(outdir, 'text.js'), TEXT_MODULE);
  let count = 0;
  for (const file of readdirSync(join(outdir, 'messages'))) {
    if (!file.endsWith('.js') || file.startsWith('_')) continue;
    const path = join(outdir, 'messages', file);
    const compact = compactMessage(readFileSync(path, 'utf8'), file.slice(0, -3), locales);
    if (compact === null) continue;
    writeFileSync(path, compact);
    count++;
  }
  return count;
}
