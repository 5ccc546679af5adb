// Fails when user-facing text in a .svelte file is a bare literal instead of a message from
// messages/*.json (see scan-literals.ts for what counts). Every component, no allowlist.
// The same for the TypeScript modules that build what people read or that Mutual writes into
// a document: the editor's, the session's, the components' and the i18n helpers, the
// document exporters and the minutes (issue 21). The English defaults the shared exporters
// fall back to (shared/export/words.ts, like decision-log.ts's) are pinned instead by tests
// that the English messages give exactly them (document-words.test.ts, exports.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCss, scanSvelte, scanTs, stylesOf } from './scan-literals';

/** Files under `dir` whose names end in one of `endings` (generated messages aside). */
function filesEndingIn(dir: string, endings: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'paraglide' ? [] : filesEndingIn(path, endings);
    return endings.some((end) => e.name.endsWith(end)) ? [path] : [];
  });
}
const svelteFiles = (dir: string) => filesEndingIn(dir, ['.svelte']);

describe('user-facing text in components', () => {
  it('comes from the messages, never a bare literal', () => {
    const bare = svelteFiles('src').flatMap((file) =>
      scanSvelte(readFileSync(file, 'utf8')).map((l) => `${file}:${l.line} ${l.where} ${JSON.stringify(l.text)}`)
    );
    expect(bare).toEqual([]);
  });
});

/** Modules whose words people read or that write into documents (tests and generated code aside). */
const WORD_MODULES = ['src/lib/editor', 'src/lib/session', 'src/lib/components', 'src/lib/i18n', 'src/lib/shared/export', 'src/lib/shared/model/minutes.ts'];
const ENGLISH_DEFAULTS = new Set([join('src/lib/shared/export/words.ts'), join('src/lib/i18n/scan-literals.ts')]);

function tsFiles(path: string): string[] {
  if (path.endsWith('.ts')) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    const p = join(path, e.name);
    if (e.isDirectory()) return e.name === 'paraglide' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') && !ENGLISH_DEFAULTS.has(p) ? [p] : [];
  });
}

describe('words written by stylesheets', () => {
  it('come from the messages (attr() of a data attribute), never a quoted literal', () => {
    const files = filesEndingIn('src', ['.css', '.svelte']);
    expect(files).toContain(join('src/lib/editor/editor.css'));
    const sheetOf = (file: string, text: string) => (file.endsWith('.svelte') ? stylesOf(text) : text);
    const bare = files.flatMap((file) => scanCss(sheetOf(file, readFileSync(file, 'utf8'))).map((l) => `${file}:${l.line} ${JSON.stringify(l.text)}`));
    expect(bare).toEqual([]);
  });

  it('the stylesheet scan flags quoted words in content, not symbols, empty strings or attr()', () => {
    const flagged = (src: string) => scanCss(src).map((l) => l.text);
    expect(flagged(".a::before { content: 'Task'; } .b::after { content: \"Could not load\" }")).toEqual(['Task', 'Could not load']);
    expect(flagged(".a::before { content: '•'; } .b::after { content: ''; } .c::before { content: attr(data-waiting-label); }")).toEqual([]);
    expect(flagged(".a::before { content: '\\2014'; } .b { counter-reset: x; content: counter(x) '. '; }")).toEqual([]);
  });

  it("reads a component's <style> only, on its own lines", () => {
    const component = "<script>const note = { content: 'Not a stylesheet' };</script>\n<p>{note.content}</p>\n<style>\n  p::after { content: 'Done'; }\n</style>";
    expect(scanCss(stylesOf(component)).map((l) => [l.line, l.text])).toEqual([[4, 'Done']]);
  });
});

describe('words built in TypeScript modules', () => {
  it('come from the messages, never a bare literal', () => {
    const files = WORD_MODULES.flatMap(tsFiles);
    expect(files).toContain(join('src/lib/shared/export/blocks.ts'));
    const bare = files.flatMap((file) => scanTs(readFileSync(file, 'utf8')).map((l) => `${file}:${l.line} ${JSON.stringify(l.text)}`));
    expect(bare).toEqual([]);
  });

  it('the module scan flags sentences, labels chosen as values and worded templates; leaves markup, names in arrays and thrown errors', () => {
    const flagged = (src: string) => scanTs(src).map((l) => l.text);
    expect(flagged("export const a = (t: string) => `Task: ${t}`;")).toEqual(['Task:']);
    expect(flagged("const t = found.title || 'New task'; const u = x ?? 'Untitled';")).toEqual(['New task', 'Untitled']);
    expect(flagged("details.push(`Claimed by ${name}`); details.push(`Due ${t.due}`);")).toEqual(['Claimed by', 'Due']);
    expect(flagged("const h = `<section class=\"block\" data-kind=\"${k}\">`; const parts = ['BallotList', 'History'];")).toEqual([]);
    expect(flagged("fetch(url, { headers: { authorization: `Bearer ${token}` } });")).toEqual([]);
    expect(flagged("if (!ok) throw new Error(`Not a valid mention: bad member id ${id}`);")).toEqual([]);
  });
});

describe('the scan', () => {
  const flagged = (src: string) => scanSvelte(src).map((l) => l.text);
  it('flags text, reading attributes, literal results and sentences in the script', () => {
    expect(flagged('<p>Save</p>')).toEqual(['Save']);
    expect(flagged('<button aria-label="Close" title="Close it">×</button>')).toEqual(['Close', 'Close it']);
    expect(flagged('<input placeholder="e.g. Ana" /><img alt="Logo" src="x.png" />')).toEqual(['e.g. Ana', 'Logo']);
    expect(flagged("<p>{saved ? 'Saved' : 'Save'}</p>")).toEqual(['Saved', 'Save']);
    expect(flagged("<Dialog confirmLabel=\"Close it\" />")).toEqual(['Close it']);
    expect(flagged("<script>let e = 'Your name cannot be empty.';</script>")).toEqual(['Your name cannot be empty.']);
    expect(flagged("<script>const h = $derived(w ? `Chosen: ${w}` : x);</script>")).toEqual(['Chosen:']);
    expect(flagged("<script>const label = () => { return 'Open'; };</script>")).toEqual(['Open']);
  });
  it('leaves code, CSS, member content and messages alone', () => {
    expect(flagged('<p class="muted small" data-testid="x-y">{doc.title}</p>')).toEqual([]);
    expect(flagged('<style>p { content: "Hello world"; }</style><p>{m.hello()}</p>')).toEqual([]);
    expect(flagged("<p>{fmt(x, 'short')} · {n} — 3</p>")).toEqual([]);
    expect(flagged("<script>if (e.key === 'Enter') go(); console.log('Some debug text'); import x from 'Some Module';</script>")).toEqual([]);
    expect(flagged("<script lang=\"ts\">const c = parts.get('ScoreBallot'); type T = 'Open' | 'Closed';</script>")).toEqual([]);
  });
});
