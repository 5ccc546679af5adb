/**
 * Inserting blocks next to other blocks, and blocks that left the text (issue 16, must fix 2).
 *
 * The failures it guards against: "/task" + Enter on an empty line directly above another
 * block inserted nothing, left the menu open and logged Lexical error #19 (the selection was
 * lost with the replaced line), while every Enter created a task's state that no document
 * showed and the Open tasks board listed ("New task", in no document). Undoing a task just
 * inserted left it on the board, in My work and in the workload too.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Editor errors are logged, not thrown: collect them. */
function watchEditorErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Lexical|Mutual editor/.test(m.text())) errors.push(m.text().split('\n')[0]);
  });
  return errors;
}

/**
 * Wait until the editor's own selection (not only the DOM's) is in the text node `text` at
 * `offset`: Lexical learns of a DOM selection change asynchronously, and a key pressed before
 * then acts on the old caret.
 */
async function waitForCaret(page: Page, text: string, offset: number): Promise<void> {
  await page.waitForFunction(
    ([t, o]) => {
      type Ed = { getEditorState(): { _selection: { anchor?: { key: string; offset: number } } | null; _nodeMap: Map<string, { __text?: string }> } };
      const editor = (document.querySelector('.m-content') as unknown as { __lexicalEditor?: Ed } | null)?.__lexicalEditor;
      const state = editor?.getEditorState();
      const anchor = state?._selection?.anchor;
      return !!anchor && state!._nodeMap.get(anchor.key)?.__text === t && anchor.offset === o;
    },
    [text, offset] as const
  );
}

/** The editor's top-level children: `p:<text>` or `<kind>:<title>` for blocks. */
function outline(page: Page): Promise<string[]> {
  return page.locator('.m-content > *').evaluateAll((children) =>
    children.map((el) => {
      const kind = el.getAttribute('data-block-kind');
      if (!kind) return `p:${el.textContent ?? ''}`;
      const title = (el.querySelector('input.mb-title') as HTMLInputElement | null)?.value ?? '';
      return `${kind}:${title}`;
    })
  );
}

/** Type "/<item>" where the caret is and press Enter in the menu. */
async function slash(page: Page, item: string): Promise<void> {
  await page.keyboard.type(`/${item}`);
  await page.locator(`#slash-item-${item}`).waitFor();
  await page.keyboard.press('Enter');
}

/** Name the block of `kind` still called "New <kind>" (fails when the menu inserted none). */
async function nameNew(page: Page, kind: 'task' | 'proposal', title: string): Promise<void> {
  const inputs = page.locator(`.m-block[data-block-kind="${kind}"] input.mb-title`);
  const indexOf = (value: string): Promise<number> =>
    inputs.evaluateAll((els, v) => els.findIndex((el) => (el as HTMLInputElement).value === v), value);
  await expect.poll(() => indexOf(`New ${kind}`), { timeout: 10_000, message: `a new ${kind} block is in the text` }).toBeGreaterThanOrEqual(0);
  const input = inputs.nth(await indexOf(`New ${kind}`));
  await input.fill(title);
  await input.evaluate((el) => (el as HTMLInputElement).blur());
  await expect.poll(() => indexOf(title), { timeout: 10_000 }).toBeGreaterThanOrEqual(0);
}

/** Load a dashboard afresh (it reads every document from the device) and wait until it has. */
async function openDashboard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('main h1').waitFor();
  await page.getByText("Reading the workspace's documents…").waitFor({ state: 'detached' });
}

/** Titles of the tasks a dashboard lists (task cards; the workload's claims). */
function cardTitles(page: Page): Promise<string[]> {
  return page.locator('[data-testid="task-card"] a.title, .claims li a').allInnerTexts();
}

describe('inserting blocks next to blocks', () => {
  it('inserts from the slash menu directly above a task and a proposal; no task outside the text reaches a board', async () => {
    const dev = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(dev, server.url, 'Westside Pantry', 'Ana');
    const ws = `${server.url}/w/${workspaceId}`;
    const errors = watchErrors(a, 'A');
    const editorErrors = watchEditorErrors(a);
    await newDocument(a, 'page');

    await a.locator('.m-content > :not(.m-block)').last().click();
    await a.keyboard.type('Shopping');
    await a.keyboard.press('Enter');
    await slash(a, 'task');
    await nameNew(a, 'task', 'Collect donations');
    expect(await outline(a)).toEqual(['p:Shopping', 'task:Collect donations', 'p:']);

    // An empty line directly above the task: "/proposal" there.
    await a.locator('.m-content > p').first().click();
    await a.keyboard.press('End');
    await waitForCaret(a, 'Shopping', 'Shopping'.length);
    await a.keyboard.press('Enter');
    await slash(a, 'proposal');
    await nameNew(a, 'proposal', 'Buy a freezer');
    expect(await a.locator('[id^="slash-item-"]').count()).toBe(0);
    expect(await outline(a)).toEqual(['p:Shopping', 'proposal:Buy a freezer', 'p:', 'task:Collect donations', 'p:']);
    // The caret waits on the new line between the two blocks: "/task" there.
    await a.locator('.m-content > p').nth(1).click();
    await slash(a, 'task');
    await nameNew(a, 'task', 'Bring a van');
    await shot(a, 'slash-insert-between-blocks');
    expect(await outline(a)).toEqual(['p:Shopping', 'proposal:Buy a freezer', 'task:Bring a van', 'p:', 'task:Collect donations', 'p:']);
    expect(await a.locator('[id^="slash-item-"]').count()).toBe(0);
    expect(editorErrors).toEqual([]);

    await openDashboard(a, `${ws}/tasks`);
    expect((await cardTitles(a)).sort()).toEqual(['Bring a van', 'Collect donations']);
    expect(errors).toEqual([]);
  });

  it('a task taken out of the text by undo leaves the board, My work and the workload; redo brings it back', async () => {
    const dev = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(dev, server.url, 'Northend Pantry', 'Ana');
    const ws = `${server.url}/w/${workspaceId}`;
    const editorErrors = watchEditorErrors(a);
    await newDocument(a, 'page');
    // A second tab shows the dashboards (each reload reads the device's copy afresh).
    const dash = await dev.newPage();
    const shown = async (url: string, expected: string[]): Promise<void> => {
      await expect
        .poll(async () => {
          await openDashboard(dash, url);
          return cardTitles(dash);
        })
        .toEqual(expected);
    };

    await a.locator('.m-content > :not(.m-block)').last().click();
    await a.keyboard.type('Saturday');
    await a.keyboard.press('Enter');
    await slash(a, 'task');
    await nameNew(a, 'task', 'Fetch the bread');
    const task = a.locator('.m-block[data-block-kind="task"]');
    await task.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => task.getByTestId('task-status').textContent()).toContain('Claimed by you');
    await shown(`${ws}/me`, ['Fetch the bread']);

    // Undo in the text takes the task's line out (the claim is the group's record, not undone).
    await a.locator('.m-content > p').first().click();
    await a.keyboard.press('Control+z');
    await expect.poll(() => a.locator('.m-block[data-block-kind="task"]').count()).toBe(0);
    await shown(`${ws}/me`, []);
    await shown(`${ws}/tasks`, []);
    await shown(`${ws}/work`, []);
    await shot(dash, 'slash-undo-workload');
    expect(await dash.locator('[data-testid^="load-"]').first().textContent()).toMatch(/^\s*0 of/);

    // Redo puts the same task back, claim and all.
    await a.keyboard.press('Control+Shift+z');
    await task.waitFor();
    await expect.poll(() => task.getByTestId('task-status').textContent()).toContain('Claimed by you');
    await shown(`${ws}/me`, ['Fetch the bread']);
    await shown(`${ws}/work`, ['Fetch the bread']);
    expect(editorErrors).toEqual([]);
  });
});
