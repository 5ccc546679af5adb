// The compiled messages say what messages/*.json say, in every language. Most message modules
// are rewritten after Paraglide's compile into their texts and one shared chooser
// (scripts/paraglide-compact.mjs); this checks every message without inputs through the same
// import the app uses, and that the rewrite happened (the editor's first paint counts on it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as messages from '$lib/paraglide/messages.js';
import { compactMessage } from '../../../scripts/paraglide-compact.mjs';

const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as { baseLocale: string; locales: string[] };
const load = (locale: string): Record<string, unknown> => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));
const byId = messages as unknown as Record<string, (inputs?: object, options?: { locale?: string }) => string>;
/** Plain texts of a messages file: no placeholder, no plural. */
const plain = (all: Record<string, unknown>) => Object.entries(all).filter((e): e is [string, string] => e[0] !== '$schema' && typeof e[1] === 'string' && !/[{}]/.test(e[1]));

describe('compiled messages', () => {
  for (const locale of settings.locales) {
    it(`say the ${locale} text of every message without inputs`, () => {
      const wrong = plain(load(locale)).filter(([id, text]) => byId[id]?.({}, { locale }) !== text);
      expect(wrong.map(([id]) => id)).toEqual([]);
    });
  }
  it('are compact modules for messages without inputs, and left alone otherwise', () => {
    const ids = plain(load(settings.baseLocale)).map(([id]) => id);
    const compacted = ids.filter((id) => readFileSync(`src/lib/paraglide/messages/${id}.js`, 'utf8').includes("from '../text.js'"));
    expect(compacted.length).toBeGreaterThan(ids.length * 0.95);
    const withInputs = readFileSync('src/lib/paraglide/messages/common_and_list.js', 'utf8');
    expect(compactMessage(withInputs, 'common_and_list', settings.locales)).toBeNull();
  });
});
