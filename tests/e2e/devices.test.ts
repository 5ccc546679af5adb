/**
 * One person, two devices (issue 18), in real Chromium: Ana's laptop makes a device link, her
 * phone (a second browser context, 390 px) opens it and becomes the same member; both edit
 * and vote as Ana (one ballot, the latest); the phone removes the laptop, whose editor turns
 * read-only with the reason while the phone carries on. A used link gets a plain-words page.
 * The app's sockets carry a ticket, never the token, in their URL (what a proxy would log).
 */
import { describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH, newDevice, shot, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Every websocket URL a page opens: the line a reverse proxy's access log would keep. */
function socketUrls(page: Page, into: string[]): void {
  page.on('websocket', (ws) => into.push(ws.url()));
}

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');
const ballots = (page: Page) => proposal(page).getByRole('list', { name: 'Ballots' }).getByRole('listitem');

async function phone(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
}

describe('devices', () => {
  it('links a phone to the same member, edits and votes on both, and removes the laptop from the phone', async () => {
    const laptopCtx = await newDevice(browser);
    const phoneCtx = await phone();
    const urls: string[] = [];
    const { page: laptop, workspaceId } = await createWorkspace(laptopCtx, server.url, 'Elm Street tenants', 'Ana');
    socketUrls(laptop, urls);
    const errors = watchErrors(laptop, 'laptop');

    // "Add a device" on the laptop: a link and its QR code.
    const you = laptop.locator('#profile');
    await you.getByText('Your devices').scrollIntoViewIfNeeded();
    await you.getByTestId('device').first().waitFor();
    expect(await you.getByTestId('device').count()).toBe(1);
    await you.getByTestId('add-device').click();
    await you.getByTestId('device-qr').locator('svg').waitFor();
    const link = await you.getByTestId('device-link').inputValue();
    expect(link).toMatch(new RegExp(`/link/${workspaceId}#[A-Za-z0-9_-]{43}$`));
    await you.getByTestId('device-link-panel').scrollIntoViewIfNeeded();
    await shot(laptop, 'devices-add-a-device-1280');

    // The phone opens it: the same person, by name, before anything is added.
    const p = await phoneCtx.newPage();
    socketUrls(p, urls);
    errors.push(...watchErrors(p, 'phone'));
    await p.goto(link);
    await p.getByTestId('link-member').getByText('Ana').waitFor();
    expect(await p.getByTestId('link-group').textContent()).toBe('Elm Street tenants');
    await shot(p, 'devices-link-page-390');
    await p.getByLabel('Name for this device').fill("Ana's phone");
    await p.getByRole('button', { name: 'Add this device' }).click();
    await p.waitForURL(new RegExp(`/w/${workspaceId}$`));
    expect(new URL(p.url()).hash).toBe('');

    // The laptop notices the new device.
    await you.getByTestId('device-added').getByText("“Ana's phone” was added").waitFor({ timeout: 15_000 });
    await expect.poll(() => you.getByTestId('device').count()).toBe(2);

    // The phone's own list: two devices, this one marked.
    const phoneYou = p.locator('#profile');
    await phoneYou.scrollIntoViewIfNeeded();
    await phoneYou.getByTestId('this-device').waitFor();
    await expect.poll(() => phoneYou.getByTestId('device').count()).toBe(2);
    expect(await phoneYou.getByTestId('device').filter({ has: p.getByTestId('this-device') }).getByText("Ana's phone").count()).toBe(1);
    await phoneYou.getByText('Your devices').scrollIntoViewIfNeeded();
    await shot(p, 'devices-your-devices-390');
    // Nothing of the panel sticks out of the phone's width.
    const wide = await p.evaluate(() =>
      Array.from(document.querySelectorAll('#profile, #profile *')).filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).length
    );
    expect(wide).toBe(0);
    await phoneYou.getByTestId('add-device').click();
    await phoneYou.getByTestId('device-qr').locator('svg').waitFor();
    await phoneYou.getByTestId('device-qr').scrollIntoViewIfNeeded();
    await shot(p, 'devices-qr-390');
    await phoneYou.getByRole('button', { name: 'Done' }).click();

    // A proposal: Ana votes on the laptop, changes her ballot on the phone: one ballot, the latest.
    const docId = await newDocument(laptop, 'proposal');
    const block = proposal(laptop);
    await block.getByLabel('Proposal title').fill('Fix the boiler');
    await block.getByLabel('Proposal title').press('Tab');
    await block.getByRole('button', { name: 'Tomorrow' }).click();
    await block.getByRole('button', { name: 'Open for decision' }).click();
    await block.getByRole('radio', { name: 'Consent' }).check();
    await block.getByRole('button', { name: 'Cast ballot' }).click();
    await block.getByText('Your ballot is cast.').waitFor();

    await p.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await ballots(p).first().waitFor({ timeout: 15_000 });
    expect(await ballots(p).count()).toBe(1);
    expect(await ballots(p).first().locator('.mp-who').textContent()).toBe('Ana (you)');
    await proposal(p).getByRole('radio', { name: 'Concern' }).check();
    await proposal(p).getByRole('button', { name: 'Change ballot' }).click();
    await expect.poll(() => ballots(laptop).first().locator('.mp-what').textContent(), { timeout: 15_000 }).toMatch(/Concern/);
    expect(await ballots(laptop).count()).toBe(1);
    expect(await ballots(laptop).first().locator('.mp-state').textContent()).toBe('Counted');

    // Both edit the same page as Ana.
    await laptop.goto(`${server.url}/w/${workspaceId}`);
    const pageId = await newDocument(laptop, 'page');
    await caretToEnd(laptop);
    await laptop.keyboard.type('Laptop note.');
    await p.goto(`${server.url}/w/${workspaceId}/d/${pageId}`);
    await waitForText(p, 'Laptop note.');
    await caretToEnd(p);
    await p.keyboard.type(' Phone note.');
    await waitForText(laptop, 'Phone note.');

    // No socket URL so far carried a token: every one carried a single-use ticket.
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url).toMatch(/[?&]ticket=[A-Za-z0-9_-]{43}/);
      expect(url).not.toMatch(/[?&]token=/);
    }

    // The phone removes the laptop (asks first). The laptop is told why; its editor turns read-only.
    const ws = await p.context().newPage();
    await ws.goto(`${server.url}/w/${workspaceId}`);
    const list = ws.locator('#profile').getByTestId('device-list');
    await list.getByRole('button', { name: 'Remove Chrome on Linux' }).click();
    const dialog = ws.getByRole('dialog');
    await dialog.getByText('It stops reaching the workspace at once').waitFor();
    await dialog.getByRole('button', { name: 'Remove device' }).click();
    await laptop.getByRole('alert').getByText(/This device was removed from your devices/).waitFor({ timeout: 5000 });
    await expect.poll(() => laptop.locator('.m-content').getAttribute('contenteditable')).toBe('false');
    // Only that: closing the document's socket under a live editor reports no problem (it once did).
    expect(await laptop.getByRole('alert').allInnerTexts()).toEqual([expect.stringMatching(/^You can't reach this workspace any more\. This device was removed/)]);
    await laptop.locator('section.refused').scrollIntoViewIfNeeded();
    await shot(laptop, 'devices-removed-laptop-1280');

    // The phone carries on: its edit reaches the relay.
    await caretToEnd(p);
    await p.keyboard.type(' Still here.');
    await expect.poll(() => p.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    await expect.poll(() => list.getByTestId('device').count()).toBe(1);
    expect(errors).toEqual([]);

    // The used link gets a page in plain words, not a stack trace.
    const again = await phoneCtx.newPage();
    await again.goto(link);
    await again.getByTestId('link-unusable').getByText(/already used/).waitFor();
    expect(await again.getByRole('heading', { level: 1 }).textContent()).toBe("This link can't add a device");
    await shot(again, 'devices-used-link-390');

    await laptopCtx.close();
    await phoneCtx.close();
  });

  it('a made-up link says it is not valid', async () => {
    const ctx = await newDevice(browser, 'phone');
    const page = await ctx.newPage();
    await page.goto(`${server.url}/link/nope#${'x'.repeat(43)}`);
    await page.getByTestId('link-unusable').getByText(/not valid/).waitFor();
    await ctx.close();
  });

  it('over plain HTTP from another machine a banner says HTTPS is needed and links to the guide; on this machine it does not', async () => {
    // A name for the server other than localhost, as a phone on the same Wi-Fi would use.
    const remote = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--host-resolver-rules=MAP mutual.test 127.0.0.1']
    });
    try {
      const page = await remote.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`http://mutual.test:${server.port}/`);
      const banner = page.getByTestId('https-banner');
      await banner.getByText(/Signing ballots, working offline and adding devices need a secure connection/).waitFor();
      await shot(page, 'https-banner-390');
      await banner.getByRole('link', { name: 'How to set up HTTPS' }).click();
      await page.getByRole('heading', { name: 'Serving Mutual over HTTPS' }).waitFor();
    } finally {
      await remote.close();
    }
    const ctx = await newDevice(browser);
    const local = await ctx.newPage();
    await local.goto(`${server.url}/`);
    await local.getByRole('button', { name: 'Create workspace' }).waitFor();
    expect(await local.getByTestId('https-banner').count()).toBe(0);
    await ctx.close();
  });
});
