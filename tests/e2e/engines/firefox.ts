/**
 * The driver layer (driver.ts) on Debian's firefox-esr through puppeteer-core over WebDriver
 * BiDi (playwright-core cannot drive a stock Firefox). Never a downloaded browser:
 * executablePath is /usr/bin/firefox-esr (or FIREFOX_PATH). A device is a BiDi user context
 * (its own cookies, IndexedDB and service workers).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { Puppeteer, type Browser, type BrowserContext, type KeyInput, type Page } from 'puppeteer-core';
import { SHOTS_DIR } from '../harness';
import { VIEWPORTS, type Device, type Engine, type Tab, type Target } from './driver';

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

const quoted = (s: string) => JSON.stringify(s);

/**
 * `::-p-label(Text)`: form controls labelled exactly Text (by a <label> or aria-label), as
 * playwright's getByLabel finds them (puppeteer's ARIA handler in Firefox returns the label).
 */
Puppeteer.registerCustomQueryHandler('label', {
  queryAll: (node, selector) => {
    const root = node as ParentNode;
    const text = /^".*"$/.test(selector) ? (JSON.parse(selector) as string) : selector;
    const same = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim() === text;
    const labelled = Array.from(root.querySelectorAll('label')).filter((l) => same(l.textContent) && l.control).map((l) => l.control!);
    return [...labelled, ...Array.from(root.querySelectorAll('[aria-label]')).filter((el) => same(el.getAttribute('aria-label')))];
  }
});

/** The puppeteer selector of a target (CSS with puppeteer's ARIA and text pseudo-elements). */
export function selectorOf(target: Target): string {
  if (typeof target === 'string') return target;
  const scope = target.within ? `${target.within} ` : '';
  if ('role' in target) return `${scope}::-p-aria([name=${quoted(target.name)}][role=${quoted(target.role)}])`;
  if ('label' in target) return `${scope}::-p-label(${quoted(target.label)})`;
  if ('text' in target) return `${scope}::-p-text(${quoted(target.text)})`;
  return `${scope}[data-testid=${quoted(target.testId)}]`;
}

const RELAY_UNREACHABLE = /^(Firefox can’t establish a connection to the server at ws:\/\/[^ ]+\/sync\/|The connection to ws:\/\/[^ ]+\/sync\/[^ ]+ was interrupted while the page was loading)/;
/**
 * Firefox's report of a load the service worker was answering when the page navigated away
 * (a later-loaded chunk of the page being left, cut off by goto or reload). Chromium reports
 * nothing for the same cancelled load. Counted only outside a navigation the test started: a
 * chunk failing on the page being opened would also stop that page working, which the
 * scenario's own checks see.
 */
const LOAD_CUT_BY_NAVIGATION = /^Failed to load ‘[^’]+’\. A ServiceWorker intercepted the request and encountered an unexpected error\.$/;

/**
 * The tab that has the focus. Headless Firefox focuses one tab at a time, across user
 * contexts: the others get no focus, blur or change events (document.hasFocus() is false),
 * where Chromium gives every page its own. So a tab is brought to the front before a person
 * acts in it, as a person would switch to that window.
 */
let front: Page | null = null;

class FirefoxTab implements Tab {
  readonly errors: string[] = [];
  /** A goto or reload this tab is in: the page being left may have loads in flight. */
  private navigating = 0;
  private async toFront(): Promise<void> {
    if (front === this.page) return;
    await this.page.bringToFront();
    front = this.page;
  }
  constructor(readonly page: Page) {
    page.on('pageerror', (e) => {
      const message = e instanceof Error ? e.message : String(e);
      // Firefox also reports a relay WebSocket that cannot connect (offline, relay down) as a
      // page error; the app expects and handles those (it reconnects), so they are not counted.
      if (RELAY_UNREACHABLE.test(message)) return;
      if (this.navigating > 0 && LOAD_CUT_BY_NAVIGATION.test(message)) return;
      this.errors.push(message);
    });
  }
  private async navigate(go: () => Promise<unknown>): Promise<void> {
    this.navigating++;
    try {
      await go();
    } finally {
      this.navigating--;
    }
  }
  async goto(url: string) { await this.navigate(() => this.page.goto(url)); }
  async reload() { await this.navigate(() => this.page.reload()); }
  url() { return this.page.url(); }
  async waitForUrl(pattern: RegExp, timeout = 30_000) {
    await this.page.waitForFunction((source: string) => new RegExp(source).test(location.href), { timeout, polling: 100 }, pattern.source);
  }
  async waitFor(target: Target, timeout = 15_000) { await this.page.waitForSelector(selectorOf(target), { visible: true, timeout }); }
  async isVisible(target: Target) { const el = await this.page.$(selectorOf(target)); return el ? el.isVisible() : false; }
  /** Puppeteer's locator, waiting for the element to be visible and enabled (not "in the viewport" nor "a stable box": the editor is taller than the screen and grows). */
  private locator(target: Target) {
    return this.page.locator(selectorOf(target)).setTimeout(15_000).setEnsureElementIsInTheViewport(false).setWaitForStableBoundingBox(false);
  }
  async click(target: Target) {
    await this.toFront();
    await this.locator(target).click();
  }
  /** As a person fills a field: click into it, select what is there, type over it. */
  async fill(target: Target, value: string) {
    await this.toFront();
    const handle = (await this.page.waitForSelector(selectorOf(target), { visible: true, timeout: 15_000 }))!;
    await handle.click();
    await handle.evaluate((el) => (el as HTMLInputElement).select());
    if (value) await this.page.keyboard.type(value);
    else await this.page.keyboard.press('Backspace');
  }
  async press(chord: string) {
    await this.toFront();
    const keys = chord.split('+') as KeyInput[];
    const key = keys.pop()!;
    for (const k of keys) await this.page.keyboard.down(k);
    await this.page.keyboard.press(key);
    for (const k of keys.reverse()) await this.page.keyboard.up(k);
  }
  async type(text: string) {
    await this.toFront();
    await this.page.keyboard.type(text); }
  async text(target: Target) {
    const el = await this.page.$(selectorOf(target));
    return el ? el.evaluate((e) => e.textContent) : null;
  }
  async attribute(target: Target, name: string) {
    const el = await this.page.$(selectorOf(target));
    return el ? el.evaluate((e, n) => e.getAttribute(n), name) : null;
  }
  async count(target: Target) { return (await this.page.$$(selectorOf(target))).length; }
  async scrollIntoView(target: Target) { await (await this.page.waitForSelector(selectorOf(target)))?.scrollIntoView(); }
  evaluate<T>(fn: () => T | Promise<T>): Promise<T> { return this.page.evaluate(fn) as Promise<T>; }
  async shot(name: string) {
    mkdirSync(SHOTS_DIR, { recursive: true });
    await this.page.screenshot({ path: path.join(SHOTS_DIR, `firefox-${name}.png`) as `${string}.png` });
  }
}

/**
 * Offline through BiDi's network-conditions emulation (puppeteer's setOfflineMode →
 * `emulation.setNetworkConditions` type "offline"), applied to every tab of the device and
 * to tabs opened while offline.
 */
class FirefoxDevice implements Device {
  private offline = false;
  private readonly tabs: FirefoxTab[] = [];
  constructor(readonly context: BrowserContext, readonly size: 'desktop' | 'phone', readonly initScript?: string) {}
  async newTab() {
    const page = await this.context.newPage();
    await page.setViewport(VIEWPORTS[this.size]);
    if (this.initScript) await page.evaluateOnNewDocument(this.initScript);
    if (this.offline) await page.setOfflineMode(true);
    const tab = new FirefoxTab(page);
    this.tabs.push(tab);
    return tab;
  }
  async setOffline(offline: boolean) {
    this.offline = offline;
    for (const tab of this.tabs) if (!tab.page.isClosed()) await tab.page.setOfflineMode(offline);
  }
  async close() { await this.context.close(); }
}

export class FirefoxEngine implements Engine {
  readonly name = 'firefox';
  constructor(readonly browser: Browser) {}
  static async launch(): Promise<FirefoxEngine> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      // Quiet and frugal: no updates, telemetry or background fetches on a test machine.
      extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'browser.safebrowsing.update.enabled': false, 'network.connectivity-service.enabled': false }
    });
    return new FirefoxEngine(browser);
  }
  async newDevice(size: 'desktop' | 'phone' = 'desktop', options: { initScript?: string } = {}) {
    return new FirefoxDevice(await this.browser.createBrowserContext(), size, options.initScript);
  }
  async close() { await this.browser.close(); }
}
