/**
 * What the document page carries before its first paint (issue 25), read from the production
 * build's module map (scripts/module-map.mjs): the static closure of SvelteKit's entry, the
 * layouts and the document page, with the block views of the kinds a document usually shows.
 * A structural check, not a timing one: it fails when a named heavy module — one only some
 * pages, some proposals or a later click need — becomes a static import of the first paint
 * again, or when every message of the app is pulled in (a message looked up by a computed key
 * in the whole `m` namespace did that: ≈ 50 KB gzipped). Its size is printed, and judged by
 * the bench (`npm run bench -- --only client --cases route`) against the 220 KB budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { cleanupServer, startServer, type RunningServer } from './harness.ts';
import { announcedScripts } from '../helpers/link-header.ts';
import { HOME_ROUTE, measure, WORKSPACE_ROUTE, readModuleMap, routeClosure, VIEW_MODULES, whyIncluded, type ModuleMap } from '../../scripts/route-closure.mjs';

/** Loaded where they are used (a page, a panel, a kind of proposal, an action), never with the first paint. */
const LATER = [
  // The group pulse (issue 24): My work and the workload page.
  'src/lib/shared/model/pulse.ts',
  'src/lib/shared/model/pulse-totals.ts',
  'src/lib/shared/model/pulse-suggest.ts',
  'src/lib/session/pulse.svelte.ts',
  'src/lib/components/pulse/PulseMine.svelte',
  // Secret ballots: with the first secret proposal shown.
  'src/lib/shared/model/secret-ballot.ts',
  'src/lib/editor/nodes/Proposal/SecretPanel.svelte',
  // The decision log and exports: the decisions page and the export menu.
  'src/lib/shared/model/decision-log.ts',
  'src/lib/shared/export/markdown.ts',
  'src/lib/shared/export/html.ts',
  // Reading a document's text (for mentions and exports) and the needs board's sorting: the
  // library's summaries, exports and the board page.
  'src/lib/shared/model/text-mentions.ts',
  'src/lib/shared/export/tree.ts',
  'src/lib/shared/model/needs-board.ts',
  // Writing comments: the comments panel.
  'src/lib/shared/model/comment-edits.ts',
  // Words only some moments need: a failed request's refusal, a proposal's close confirmation.
  'src/lib/i18n/http-errors.ts',
  // Creating or joining a workspace, linking a device: their own pages.
  'src/lib/local/workspace-join.ts',
  // The names of roles, kinds, statuses and notification kinds (other pages'); a meeting's countdown.
  'src/lib/i18n/words.ts',
  'src/lib/i18n/countdown.ts',
  'src/lib/i18n/results.ts',
  'src/lib/editor/nodes/Proposal/CloseConfirm.svelte',
  // Panels and boards a person opens.
  'src/routes/w/[workspaceId]/d/[docId]/HistoryPanel.svelte',
  'src/routes/w/[workspaceId]/d/[docId]/VersionView.svelte',
  'src/routes/w/[workspaceId]/d/[docId]/needs/NeedsBoard.svelte',
  'src/routes/w/[workspaceId]/d/[docId]/comments/CommentsPanel.svelte',
  'src/lib/components/meeting/MeetingBar.svelte',
  'src/lib/search/workspace-search.svelte.ts',
  'src/lib/session/notifications.ts',
  // Background replication's passes (digests, private documents, the queue): with the first
  // pass, after the paint (local/replication/passes.ts); the needs board's contact details.
  'src/lib/local/replication/passes.ts',
  'src/lib/local/replication/queue.ts',
  'src/lib/local/replication/private-docs.ts',
  'src/lib/shared/model/contacts.ts',
  // The dashboards' live set (session/live-set-of.ts) and their task actions.
  'src/lib/local/live-set.ts',
  'src/lib/session/live-set-of.ts',
  'src/lib/session/work.svelte.ts',
  // The dashboards' library of summaries: the page starts it at its first idle moment.
  'src/lib/session/library.svelte.ts',
  'src/lib/session/library-of.ts',
  // A meeting's facilitation: the agenda's view and the meeting bar.
  'src/lib/shared/model/agenda-facilitation.ts',
  // Libraries: creating a document; browsers without WebCrypto's Ed25519; the socket (after the paint).
  'node_modules/@lexical/headless/dist/LexicalHeadless.prod.js',
  // Copy, cut, paste and drop: at the first idle moment or first use (editor/clipboard-lazy.ts).
  'node_modules/@lexical/clipboard/dist/LexicalClipboard.prod.js',
  'node_modules/@lexical/html/dist/LexicalHtml.prod.js',
  'node_modules/@noble/ed25519/index.js',
  'node_modules/y-websocket/src/y-websocket.js'
];

/** The module map of the production build (built first unless the test runner has built it). */
function builtModuleMap(): ModuleMap {
  if (process.env.MUTUAL_TEST_BUILD !== 'made') buildIfStale();
  return readModuleMap();
}

const rendered = (map: ModuleMap['chunks']) => new Set(map.flatMap((c) => Object.entries(c.modules).filter(([, n]) => n > 0).map(([id]) => id)));
const isMessage = (id: string) => id.startsWith('src/lib/paraglide/messages/') && !id.endsWith('_index.js');

describe("the document page's first paint", () => {
  let map: ModuleMap;
  beforeAll(() => {
    map = builtModuleMap();
  });

  const firstPaint = () => routeClosure(map, [VIEW_MODULES.task, VIEW_MODULES.proposal, VIEW_MODULES.need]);

  it('carries none of the modules loaded later', () => {
    const everywhere = rendered(map.chunks);
    // Each name is a module of this build (a rename must not make the check pass by itself).
    for (const id of LATER) expect(everywhere.has(id), `${id} is not in the build`).toBe(true);
    const closure = rendered(firstPaint());
    const found = LATER.filter((id) => closure.has(id)).map((id) => `${id}, through ${(whyIncluded(map, id) ?? ['?']).join(' → ')}`);
    expect(found).toEqual([]);
  });

  it('carries the messages its own views say, not every message of the app', () => {
    const all = [...rendered(map.chunks)].filter(isMessage).length;
    const onFirstPaint = [...rendered(firstPaint())].filter(isMessage).length;
    const { gzipKb, chunks } = measure(firstPaint());
    console.log(`document page before its first paint: ${gzipKb.toFixed(1)} KB gzipped in ${chunks} chunks, ${onFirstPaint} of ${all} messages`);
    expect(all).toBeGreaterThan(500);
    expect(onFirstPaint).toBeLessThan(all / 2);
  });

  // Each chunk is a request through the service worker's fetch handler and a gzip stream of its
  // own: the route's layers come in one chunk each (scripts/first-paint-chunks.mjs), not the ≈ 50
  // of Rollup's default splitting (issue 25, docs/performance.md "Sixth pass").
  it('comes in few chunks', () => {
    const chunks = firstPaint();
    expect(chunks.length, chunks.map((c) => `${c.file}: ${Object.keys(c.modules).slice(0, 3).join(', ')}`).join('\n')).toBeLessThanOrEqual(30);
  });
});

// The page's response names every script of its first paint (`Link: rel=modulepreload`), so the
// browser asks for them all at once: a script it finds only when another one has been parsed is
// a round trip later (SvelteKit named 13 of the document page's 30; scripts/preload-closure.mjs).
describe("the document page's response", () => {
  let map: ModuleMap;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    map = builtModuleMap();
    server = await startServer();
  }, 120_000);
  afterAll(() => cleanupServer(server));

  it('announces every script the page imports before its first paint', async () => {
    const response = await fetch(`${server!.url}/w/UA3KM6EnHd1yOiFBMWxF2g/d/Qm9va2luZ3NBbmRSaWRlcw`);
    expect(response.status).toBe(200);
    const announced = new Set(announcedScripts(response.headers.get('link')));
    const needed = routeClosure(map).map((c) => c.file);
    expect(needed.length).toBeGreaterThan(10);
    expect(needed.filter((file) => !announced.has(file))).toEqual([]);
  });
});

const isEditor = (id: string) => id.includes('node_modules/lexical/') || id.includes('node_modules/@lexical/');

describe('the first paint of the pages that show no document', () => {
  let map: ModuleMap;
  beforeAll(() => {
    map = builtModuleMap();
  });

  it('the home page carries no editor and comes in few chunks', () => {
    const chunks = routeClosure(map, [], HOME_ROUTE);
    expect([...rendered(chunks)].filter(isEditor)).toEqual([]);
    const { gzipKb } = measure(chunks);
    console.log(`home page before its first paint: ${gzipKb.toFixed(1)} KB gzipped in ${chunks.length} chunks`);
    expect(chunks.length, chunks.map((c) => c.file).join('\n')).toBeLessThanOrEqual(20);
  });

  // Creating a document (its template) and importing a Markdown file write through a headless
  // Lexical editor: loaded when used (or once the page is idle), not before the list is shown.
  it("a workspace's page carries no editor", () => {
    const chunks = routeClosure(map, [], WORKSPACE_ROUTE);
    const editor = [...rendered(chunks)].filter(isEditor);
    const why = editor.slice(0, 1).map((id) => `${id}, through ${(whyIncluded(map, id, WORKSPACE_ROUTE) ?? ['?']).join(' → ')}`);
    expect(why).toEqual([]);
    const { gzipKb } = measure(chunks);
    console.log(`workspace page before its first paint: ${gzipKb.toFixed(1)} KB gzipped in ${chunks.length} chunks`);
  });
});
