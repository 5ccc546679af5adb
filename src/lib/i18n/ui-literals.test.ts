// Fails when user-facing text in a .svelte file is a bare literal instead of a message from
// messages/*.json (see scan-literals.ts for what counts). Every component, no allowlist.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSvelte } from './scan-literals';

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'paraglide' ? [] : svelteFiles(path);
    return e.name.endsWith('.svelte') ? [path] : [];
  });
}

describe('user-facing text in components', () => {
  it('comes from the messages, never a bare literal', () => {
    const bare = svelteFiles('src').flatMap((file) =>
      scanSvelte(readFileSync(file, 'utf8')).map((l) => `${file}:${l.line} ${l.where} ${JSON.stringify(l.text)}`)
    );
    expect(bare).toEqual([]);
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
