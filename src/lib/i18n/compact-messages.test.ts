// The compiled messages say what messages/*.json say, in every language. Most message modules
// are rewritten after Paraglide's compile into their texts (or templates) and one shared chooser
// (scripts/paraglide-compact.mjs); this checks every message that is a text through the same
// import the app uses, with its inputs filled in, and that the rewrite happened (the editor's
// first paint counts on it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as messages from '$lib/paraglide/messages.js';
import { compactMessage } from '../../../scripts/paraglide-compact.mjs';

const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as { baseLocale: string; locales: string[] };
const load = (locale: string): Record<string, unknown> => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));
const byId = messages as unknown as Record<string, (inputs?: object, options?: { locale?: string }) => string>;
/** The texts of a messages file (no plurals), placeholders `{name}` and nothing else in braces. */
const texts = (all: Record<string, unknown>) => Object.entries(all).filter((e): e is [string, string] => e[0] !== '$schema' && typeof e[1] === 'string' && !/[{}]/.test(e[1].replace(/\{\w+\}/g, '')));
const plain = (all: Record<string, unknown>) => texts(all).filter(([, text]) => !/[{}]/.test(text));
/** Each placeholder's input: its own name in angle brackets, so the expected text is the JSON's with braces swapped. */
const inputsOf = (text: string) => Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], `<${m[1]}>`]));

describe('compiled messages', () => {
  for (const locale of settings.locales) {
    it(`say the ${locale} text of every message without inputs`, () => {
      const wrong = plain(load(locale)).filter(([id, text]) => byId[id]?.({}, { locale }) !== text);
      expect(wrong.map(([id]) => id)).toEqual([]);
    });
    it(`say the ${locale} text of every message with inputs, the inputs in their places`, () => {
      const withInputs = texts(load(locale)).filter(([, text]) => /\{\w+\}/.test(text));
      expect(withInputs.length).toBeGreaterThan(50);
      const wrong = withInputs.filter(([id, text]) => byId[id]?.(inputsOf(text), { locale }) !== text.replace(/\{(\w+)\}/g, '<$1>'));
      expect(wrong.map(([id]) => id)).toEqual([]);
    });
  }
  it('are compact modules for messages that are a text, and left alone otherwise (plurals)', () => {
    const ids = texts(load(settings.baseLocale)).map(([id]) => id);
    const compacted = ids.filter((id) => readFileSync(`src/lib/paraglide/messages/${id}.js`, 'utf8').includes("from '../text.js'"));
    expect(compacted.length).toBeGreaterThan(ids.length * 0.95);
    const plural = readFileSync('src/lib/paraglide/messages/add_device_works_once.js', 'utf8');
    expect(compactMessage(plural, 'add_device_works_once', settings.locales)).toBeNull();
  });
});
