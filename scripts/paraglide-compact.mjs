// Paraglide compiles each message into a module with one function per language and a chooser
// (≈ 200 bytes of code around the texts). Most messages are a text, or one template of their
// inputs, per language: their modules are rewritten here to the texts (or templates) and one
// shared chooser (src/lib/paraglide/text.js), which keeps the same export, the same call
// signature and the same .d.ts (issue 25: a third of the messages the editor's first paint
// carried was this wrapper). Plurals and anything else not of that form are left as Paraglide
// wrote them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEXT_MODULE = `/* eslint-disable */
// Written by scripts/paraglide-compact.mjs: the chooser shared by every message of the plain form.
import { getLocale, experimentalStaticLocale, locales } from './runtime.js';

/**
 * A message: its text, or the template of its inputs, in each of \`locales\`, in their order (the base locale first).
 * @param {...(string | ((inputs: any) => string))} byLocale
 * @returns {(inputs?: any, options?: { locale?: import('./runtime.js').Locale }) => string}
 */
export const text = (...byLocale) => (inputs = {}, options = {}) => {
  const t = byLocale[locales.indexOf(experimentalStaticLocale ?? options.locale ?? getLocale())] ?? byLocale[0];
  return typeof t === 'string' ? t : t(inputs);
};
`;

/**
 * One language's function of a plain message: `const <locale>_<id> = … (i) => { return (`text ${i?.name}`) };`
 * (`()` for a message without inputs). Yields the parameter list and the template.
 * @param {string} locale
 * @param {string} id
 */
const plainFunction = (locale, id) =>
  new RegExp(
    `const ${locale}_${id} = /\\*\\* @type \\{\\(inputs: \\w+\\) => LocalizedString\\} \\*/ (\\(i?\\)) => \\{\\n\\treturn /\\*\\* @type \\{LocalizedString\\} \\*/ \\((\`(?:[^\`\\\\]|\\\\.)*\`)\\)\\n\\};`
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
    // A text is kept as a string; a template of the inputs as its function.
    texts.push(match[1] === '()' ? match[2] : `(i) => ${match[2]}`);
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
