/**
 * A decision's explanation in each reader's language (issue 21): Ana, on an English device,
 * closes a proposal; Ben, on a Spanish device, sees why it passed in Spanish — on the proposal
 * and in the decision log — because the close records the reason's parts beside the English
 * sentence, and each reader's app says them in its own language — and the decision log's
 * exports have Spanish headings. Member-written words (the title, the workspace's name) stay
 * as written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, SPANISH_JOIN, twoLanguages, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const proposalBlock = '.mb-frame[data-kind=proposal]';

describe('result explanations in the reader’s language', () => {
  it('a proposal closed on an English device is explained in Spanish on a Spanish device', async () => {
    const { english, spanish } = await twoLanguages(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(english, server.url, 'Eastside Mutual Aid', 'Ana');
    const errorsA = watchErrors(a, 'Ana');

    // Ben joins on his Spanish phone.
    const b = await join(spanish, editorInvite, 'Ben', SPANISH_JOIN);
    const errorsB = watchErrors(b, 'Ben');

    // Ana drafts, opens, votes and closes it on the English device.
    const docId = await newDocument(a, 'proposal');
    const pa = a.locator(proposalBlock);
    await pa.getByLabel('Proposal title').fill('Buy a chest freezer');
    await a.keyboard.press('Tab');
    await pa.getByRole('button', { name: 'Tomorrow' }).click();
    await pa.getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => pa.locator('.mb-status').textContent()).toBe('Open for decision');
    await pa.getByRole('radio', { name: 'Consent' }).click();
    await pa.getByRole('button', { name: 'Cast ballot' }).click();
    await pa.getByText('Your ballot is cast.').waitFor();
    await pa.getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => pa.locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Passed');
    expect(await pa.locator('.mp-explain').textContent()).toBe('No objections.');

    // Ben reads it in Spanish: the reason said in his language, the title as Ana wrote it.
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    const pb = b.locator(proposalBlock);
    await expect.poll(() => pb.locator('.mp-explain').textContent(), { timeout: 15_000 }).toBe('Sin objeciones.');
    await pb.getByText('Buy a chest freezer').first().waitFor();
    await pb.locator('.mp-outcome').scrollIntoViewIfNeeded();
    await shot(b, 'languages-result-es-390');

    // The decision log says it in Spanish too.
    await b.goto(`${server.url}/w/${workspaceId}/decisions`);
    const entry = b.locator('.entry', { hasText: 'Buy a chest freezer' });
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.locator('.explain').textContent()).toBe('Sin objeciones.');
    await shot(b, 'languages-decisions-es-390');
    // Its exports have Spanish headings and words; what members wrote stays as written; the CSV
    // header stays the same in every language (scripts read it).
    const [md] = await Promise.all([b.waitForEvent('download'), b.getByRole('button', { name: 'Descargar Markdown' }).click()]);
    const markdown = readFileSync((await md.path())!, 'utf8');
    expect(markdown).toContain('# Decisiones — Eastside Mutual Aid');
    expect(markdown).toContain('## Buy a chest freezer');
    expect(markdown).toContain('- **Método:** Consentimiento');
    expect(markdown).toContain('- **Resultado:** Aprobada — Sin objeciones.');
    expect(markdown).toContain('- **Votos contados:** 1');
    expect(markdown).toContain('  - Ana: De acuerdo');
    const [csv] = await Promise.all([b.waitForEvent('download'), b.getByRole('button', { name: 'Descargar CSV' }).click()]);
    const rows = readFileSync((await csv.path())!, 'utf8').split('\r\n');
    expect(rows[0]).toBe('decided_at_utc,proposal,document,method,result,explanation,statement,ballots_counted,review_date,follow_up_tasks,link,ballots');
    expect(rows[1]).toContain(',Consentimiento,Aprobada,Sin objeciones.,');
    // …and in English on Ana's device.
    await a.goto(`${server.url}/w/${workspaceId}/decisions`);
    await expect.poll(() => a.locator('.entry', { hasText: 'Buy a chest freezer' }).locator('.explain').textContent(), { timeout: 15_000 }).toBe('No objections.');
    expect([...errorsA, ...errorsB]).toEqual([]);
    await english.close();
    await spanish.close();
  });
});
