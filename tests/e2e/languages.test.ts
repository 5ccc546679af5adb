/**
 * Mutual in the person's language (issue 21): a Spanish browser gets Spanish pages, plurals
 * and dates, `<html lang="es">` (in the server's shell too); the language chosen in the profile
 * stays on that device across reloads, offline too; a server refusal reads in Spanish.
 * Member-written content is never translated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanupServer, launchBrowser, shot, startServer, type RunningServer } from './harness';
import { waitForServiceWorker, watchErrors } from './app-flow';
import { audit } from './axe';

const CODE = 'tortilla-de-papas';
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ WORKSPACE_CREATION: 'code', WORKSPACE_CREATION_CODE: CODE });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
});

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

function device(locale: string, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, deviceScaleFactor: 1, locale });
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/** Create a workspace from the Spanish start page (the creation code first wrong, then right). */
async function createInSpanish(page: Page): Promise<string> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Nombre del espacio').fill('Olla Común del Barrio');
  await page.getByLabel('Tu nombre').fill('Lucía');
  await page.getByLabel('Código de creación').fill('no-es-el-codigo');
  await page.getByRole('button', { name: 'Crear espacio' }).click();
  // The server refuses with code "creation-code-wrong"; the sentence shown is the Spanish one.
  await page.getByText('Ese código de creación no es correcto. Compruébalo con quien administra este servidor.').waitFor();
  await page.getByLabel('Código de creación').fill(CODE);
  await page.getByRole('button', { name: 'Crear espacio' }).click();
  await page.waitForURL(/\/w\/[A-Za-z0-9_-]+\?welcome=1/);
  return new URL(page.url()).pathname.split('/')[2]!;
}


describe('languages', () => {
  it('a Spanish browser gets Spanish pages, plurals, dates and server errors; member content stays as written', async () => {
    const ctx = await device('es-ES');
    const page = await ctx.newPage();
    const errors = watchErrors(page, 'es');

    // The server-rendered shell already says Spanish (the browser asked for it: Accept-Language).
    const shell = await page.goto(`${server.url}/help/https`);
    expect(await shell!.text()).toMatch(/<html lang="es">/);

    const workspaceId = await createInSpanish(page);
    expect(await htmlLang(page)).toBe('es');
    await page.getByRole('heading', { name: 'Tu espacio está listo' }).waitFor();

    // A page, titled by a member in English: their words stay as they wrote them.
    await page.getByTestId('new-page').click();
    await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
    const title = page.getByLabel('Título del documento');
    await title.fill('Shopping list for Saturday');
    await title.press('Enter');
    await page.goto(`${server.url}/w/${workspaceId}`);
    await page.getByRole('link', { name: 'Shopping list for Saturday' }).waitFor();

    // Dates in Spanish, as Intl writes them for "es".
    const today = new Date().toLocaleDateString('es', { day: 'numeric', month: 'short', year: 'numeric' });
    await expect.poll(() => page.locator('.date').first().innerText()).toBe(today);

    // Plurals: one document, then two.
    await page.getByTestId('open-search').click();
    await page.getByText('Busca en 1 documento de este dispositivo, también sin conexión.').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Nuevo documento' }).first().click();
    await page.getByTestId('new-needs').click();
    await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
    await page.getByTestId('needs-board').getByRole('heading', { name: 'Necesidades y ofertas' }).waitFor();
    // Accessible in Spanish too (axe, both sizes and themes): the needs board…
    expect(await audit(page, 'es needs board')).toEqual([]);
    await page.goto(`${server.url}/w/${workspaceId}`);
    await page.getByTestId('open-search').click();
    await page.getByText('Busca en los 2 documentos de este dispositivo, también sin conexión.').waitFor();
    await page.keyboard.press('Escape');

    await shot(page, 'languages-es-workspace-1280');
    // …and the workspace page.
    expect(await audit(page, 'es workspace')).toEqual([]);
    const phone = await device('es-ES', PHONE);
    const phonePage = await phone.newPage();
    await phonePage.goto(page.url());
    // A phone of the same person is another device: it has not joined, and says so in Spanish.
    await phonePage.getByText('No está en este dispositivo').waitFor();
    await phone.close();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('the language chosen in the profile stays on this device across reloads, offline too', async () => {
    const ctx = await device('en-US');
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    expect(await htmlLang(page)).toBe('en');
    await page.getByLabel('Workspace name').fill('Eastside Pantry');
    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel('Creation code').fill(CODE);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/w\/[A-Za-z0-9_-]+\?welcome=1/);
    const workspace = page.url().split('?')[0]!;
    await waitForServiceWorker(page);

    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    // The page reloads in Spanish.
    await page.getByRole('heading', { name: 'Tu espacio está listo' }).or(page.getByRole('heading', { name: 'Tú' })).first().waitFor();
    expect(await htmlLang(page)).toBe('es');
    await expect.poll(() => page.getByRole('combobox', { name: 'Idioma' }).inputValue()).toBe('es');

    await page.goto(workspace);
    await page.getByRole('heading', { name: 'Tú' }).waitFor();
    expect(await htmlLang(page)).toBe('es');
    await shot(page, 'languages-es-profile-1280');

    await ctx.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Tú' }).waitFor();
    await page.getByText('Sin conexión — los cambios se guardan en este dispositivo').waitFor();
    expect(await htmlLang(page)).toBe('es');
    await ctx.setOffline(false);

    // Another device of the same browser profile is not touched: the choice is per device.
    const other = await device('en-US');
    const otherPage = await other.newPage();
    await otherPage.goto(`${server.url}/`);
    await otherPage.getByRole('button', { name: 'Create workspace' }).waitFor();
    await other.close();

    // Back to English, on the phone-sized window too.
    await page.setViewportSize(PHONE);
    await shot(page, 'languages-es-profile-390');
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await page.getByRole('heading', { name: 'You', exact: true }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    await ctx.close();
  });
});
