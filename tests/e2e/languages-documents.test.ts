/**
 * A document's own words in each reader's language, and what Mutual writes into a document in
 * the writer's (issue 21). Ben, on a Spanish phone, starts an agenda — its template is written
 * in Spanish — adds a task, a proposal and a need (their first titles are written in Spanish),
 * decides the proposal, and exports the document as Markdown: Spanish labels around those
 * titles. Ana, on an English laptop, reads the same document: the Spanish Ben's app wrote is
 * hers to read as written, never translated; her export and the minutes label the same
 * blocks in English, and Ben's minutes are in Spanish.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { shot, type RunningServer } from './harness';
import { caretAtEndOf, createWorkspace, join, newDocument, SPANISH_JOIN, twoLanguages, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Type "/<query>" at the caret and pick the block `id` from the menu. */
async function slash(page: Page, query: string, id: string): Promise<void> {
  await page.keyboard.type(`/${query}`);
  await page.locator(`#slash-item-${id}`).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.m-block[data-block-kind="${id}"]`).first().waitFor();
}

/** The document's Markdown export, downloaded from its Export menu (`exportLabel`, `mdLabel` in the page's language). */
async function exportMarkdown(page: Page, exportLabel: string): Promise<string> {
  await page.locator('summary', { hasText: exportLabel }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Markdown (.md)' }).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

describe('a document’s words in each reader’s language', () => {
  it('a Spanish phone writes Spanish into the document and exports Spanish labels; an English device reads that Spanish as written', async () => {
    const { english, spanish } = await twoLanguages(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(english, server.url, 'Eastside Mutual Aid', 'Ana');
    const errorsA = watchErrors(a, 'Ana');
    const b = await join(spanish, editorInvite, 'Ben', SPANISH_JOIN);
    const errorsB = watchErrors(b, 'Ben');

    // Ben starts an agenda: Mutual writes its template in his language.
    const docId = await newDocument(b, 'agenda');
    await waitForText(b, 'Ronda de apertura');
    await b.locator('.m-block[data-block-kind="agenda"] input.mb-title').first().waitFor();
    expect(await b.locator('.m-block[data-block-kind="agenda"] input.mb-title').first().inputValue()).toBe('¿Cómo estamos como grupo?');

    // A task, a proposal and a need, from the "/" menu in Spanish: their first titles are his language too.
    for (const [query, id] of [['tarea', 'task'], ['propuesta', 'proposal'], ['necesidad', 'need']] as const) {
      await caretAtEndOf(b, 'Fecha, lugar, quién recibe.');
      await b.keyboard.press('Enter');
      await slash(b, query, id);
    }
    const titleOf = (page: Page, kind: string) => page.locator(`.m-block[data-block-kind="${kind}"] input.mb-title`).first();
    expect(await titleOf(b, 'task').inputValue()).toBe('Nueva tarea');
    expect(await titleOf(b, 'proposal').inputValue()).toBe('Nueva propuesta');

    // He decides the proposal on the phone.
    const proposal = b.locator('.mb-frame[data-kind=proposal]');
    await proposal.getByRole('button', { name: 'Mañana' }).click();
    await proposal.getByRole('button', { name: 'Abrir para decidir' }).click();
    await proposal.getByRole('radio', { name: 'De acuerdo' }).click();
    await proposal.getByRole('button', { name: 'Votar' }).click();
    await proposal.getByText('Tu voto está emitido.').waitFor();
    await proposal.getByRole('button', { name: 'Cerrar ahora y decidir' }).click();
    await b.getByRole('dialog').getByRole('button', { name: 'Cerrarla ahora' }).click();
    await expect.poll(() => proposal.locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Aprobada');

    // His Markdown: Spanish labels, the titles as written.
    const es = await exportMarkdown(b, 'Exportar');
    expect(es).toContain('> **Punto del orden del día: ¿Cómo estamos como grupo?**');
    expect(es).toContain('> **Tarea: Nueva tarea**\n> - Abierta: nadie la ha tomado todavía');
    expect(es).toContain('> **Propuesta: Nueva propuesta**\n> - Método: Consentimiento\n> - Aprobada (cerrada el ');
    expect(es).toContain(' por Ben)\n> - Sin objeciones.\n> - Resultado: Preocupación 0, De acuerdo 1, Objeción 0\n> - Ben: De acuerdo');
    expect(es).toMatch(/> \*\*Necesidad: Nueva necesidad u oferta\*\*\n> - Estado: abierta\n> - Categoría: Otra/);
    expect(es).not.toMatch(/Task:|Proposal:|Method:|Claimed|Status:/);

    // Ana, in English, reads what Ben's app wrote exactly as written.
    await a.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(a, 'Ronda de apertura');
    // A decided proposal's title is text, no longer a field.
    await expect.poll(() => a.locator('.m-block[data-block-kind="proposal"] p.mb-title').first().textContent(), { timeout: 15_000 }).toBe('Nueva propuesta');
    expect(await titleOf(a, 'task').inputValue()).toBe('Nueva tarea');
    expect(await a.locator('.m-block[data-block-kind="agenda"] input.mb-title').first().inputValue()).toBe('¿Cómo estamos como grupo?');
    await expect.poll(() => a.locator('.mb-frame[data-kind=proposal] .mp-headline').textContent(), { timeout: 15_000 }).toBe('Passed');
    // …and her export labels the same blocks in English, around the same Spanish titles.
    const en = await exportMarkdown(a, 'Export');
    expect(en).toContain('> **Agenda item: ¿Cómo estamos como grupo?**');
    expect(en).toContain('> **Task: Nueva tarea**\n> - Open: nobody has claimed it yet');
    expect(en).toContain('> **Proposal: Nueva propuesta**\n> - Method: Consent\n> - Passed (closed ');
    expect(en).toContain(' by Ben)\n> - No objections.\n> - Result: Concern 0, Consent 1, Object 0\n> - Ben: Consent');
    expect(en).toMatch(/> \*\*Need: Nueva necesidad u oferta\*\*\n> - Status: open\n> - Category: Other/);

    // The minutes are read from the agenda, each in its reader's language; the titles stay as written.
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}/minutes`);
    const minutesB = b.getByTestId('minutes');
    await expect.poll(() => minutesB.textContent(), { timeout: 15_000 }).toContain('Propuesta: Nueva propuesta');
    const textB = (await minutesB.textContent()) ?? '';
    expect(textB).toContain('Método: Consentimiento');
    expect(await minutesB.locator('.task-table td').allTextContents()).toEqual(['Nueva tarea', 'nadie la ha tomado todavía', '']);
    expect(textB).toContain('¿Cómo estamos como grupo?');
    await shot(b, 'languages-minutes-es-390');
    await a.goto(`${server.url}/w/${workspaceId}/d/${docId}/minutes`);
    const minutesA = a.getByTestId('minutes');
    await expect.poll(() => minutesA.textContent(), { timeout: 15_000 }).toContain('Proposal: Nueva propuesta');
    const textA = (await minutesA.textContent()) ?? '';
    expect(textA).toContain('Method: Consent');
    expect(await minutesA.locator('.task-table td').allTextContents()).toEqual(['Nueva tarea', 'nobody has claimed it yet', '']);
    expect(textA).toContain('¿Cómo estamos como grupo?');
    await shot(a, 'languages-minutes-en-1280');

    expect([...errorsA, ...errorsB]).toEqual([]);
    await english.close();
    await spanish.close();
  });
});
