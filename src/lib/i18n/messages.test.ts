// Every language has every message, with the same placeholders: a key in one messages file and
// not another, or a placeholder renamed in one translation, fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Message = string | { declarations?: string[]; match: Record<string, string> }[];
const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as { baseLocale: string; locales: string[] };
const load = (locale: string): Record<string, Message> => {
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));
  return messages;
};

/** The input names a message uses: `{name}` in the text(s), or its declared inputs. */
function placeholders(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : message.flatMap((v) => Object.values(v.match));
  const names = new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
  if (typeof message !== 'string') for (const d of message.flatMap((v) => v.declarations ?? [])) if (d.startsWith('input ')) names.add(d.slice(6));
  return [...names].sort();
}

describe('messages', () => {
  const base = load(settings.baseLocale);
  it('has a file for every configured language, and no file for an unconfigured one', () => {
    const files = readdirSync('messages').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(files).toEqual([...settings.locales].sort());
  });
  for (const locale of settings.locales.filter((l) => l !== settings.baseLocale)) {
    const other = load(locale);
    it(`${locale} has exactly the keys of ${settings.baseLocale}`, () => {
      expect(Object.keys(other).filter((k) => !(k in base))).toEqual([]);
      expect(Object.keys(base).filter((k) => !(k in other))).toEqual([]);
    });
    it(`${locale} uses the same placeholders as ${settings.baseLocale}`, () => {
      const differ = Object.keys(base).filter((k) => k in other && placeholders(base[k]).join() !== placeholders(other[k]).join());
      expect(differ.map((k) => `${k}: ${placeholders(base[k]).join()} ≠ ${placeholders(other[k]).join()}`)).toEqual([]);
    });
    it(`${locale} translates with the same plural cases`, () => {
      const cases = (m: Message) => (typeof m === 'string' ? '' : Object.keys(m[0].match).sort().join());
      expect(Object.keys(base).filter((k) => k in other && typeof base[k] !== typeof other[k])).toEqual([]);
      expect(Object.keys(base).filter((k) => k in other && typeof base[k] !== 'string' && cases(base[k]) !== cases(other[k]))).toEqual([]);
    });
  }
});
