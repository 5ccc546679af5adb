/**
 * The driver layer (driver.ts) on Debian's chromium through playwright-core. `page` stays
 * reachable on each tab, for the steps of a Chromium test that go on beyond a shared scenario.
 */
import type { Browser, BrowserContext, Locator, Page, WebSocketRoute } from 'playwright-core';
import { launchBrowser, shot } from '../harness';
import { VIEWPORTS, type Device, type Engine, type Tab, type Target } from './driver';

/** The playwright locator of a target (always its first match, as in the firefox driver). */
export function locate(page: Page, target: Target): Locator {
  if (typeof target === 'string') return page.locator(target).first();
  const scope = target.within ? page.locator(target.within).first() : page;
  if ('role' in target) return scope.getByRole(target.role, { name: target.name, exact: true }).first();
  if ('label' in target) return scope.getByLabel(target.label, { exact: true }).first();
  if ('text' in target) return scope.getByText(target.text).first();
  return scope.getByTestId(target.testId).first();
}

export class ChromiumTab implements Tab {
  readonly errors: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(e.message));
  }
  async goto(url: string) { await this.page.goto(url); }
  async reload() { await this.page.reload(); }
  url() { return this.page.url(); }
  async waitForUrl(pattern: RegExp, timeout = 30_000) { await this.page.waitForURL(pattern, { timeout }); }
  async waitFor(target: Target, timeout = 15_000) { await locate(this.page, target).waitFor({ timeout }); }
  isVisible(target: Target) { return locate(this.page, target).isVisible(); }
  async click(target: Target) { await locate(this.page, target).click({ timeout: 15_000 }); }
  async fill(target: Target, value: string) { await locate(this.page, target).fill(value); }
  async press(key: string) { await this.page.keyboard.press(key); }
  async type(text: string) { await this.page.keyboard.type(text); }
  async text(target: Target) { const l = locate(this.page, target); return (await l.count()) ? l.textContent() : null; }
  async attribute(target: Target, name: string) { const l = locate(this.page, target); return (await l.count()) ? l.getAttribute(name) : null; }
  count(target: Target) {
    if (typeof target !== 'string') throw new Error('count takes a CSS selector');
    return this.page.locator(target).count();
  }
  async scrollIntoView(target: Target) { await locate(this.page, target).scrollIntoViewIfNeeded(); }
  evaluate<T>(fn: () => T | Promise<T>): Promise<T> { return this.page.evaluate(fn) as Promise<T>; }
  async shot(name: string) { await shot(this.page, `chromium-${name}`); }
}

/**
 * Chromium's offline emulation (setOffline) fails new requests and turns navigator.onLine
 * false, but leaves open WebSockets running; so the relay's sockets go through a route that
 * is cut (both ways) while offline.
 */
class ChromiumDevice implements Device {
  private offline = false;
  private readonly sockets = new Set<WebSocketRoute>();
  constructor(readonly context: BrowserContext) {}
  async init(): Promise<this> {
    await this.context.routeWebSocket(/\/sync\//, (ws) => {
      if (this.offline) return void ws.close({ code: 1001, reason: 'offline' });
      ws.connectToServer();
      this.sockets.add(ws);
    });
    return this;
  }
  async newTab() { return new ChromiumTab(await this.context.newPage()); }
  async setOffline(offline: boolean) {
    this.offline = offline;
    await this.context.setOffline(offline);
    if (!offline) return;
    for (const ws of [...this.sockets]) {
      this.sockets.delete(ws);
      await ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
    }
  }
  async close() { await this.context.close(); }
}

export class ChromiumEngine implements Engine {
  readonly name = 'chromium';
  constructor(readonly browser: Browser) {}
  static async launch(): Promise<ChromiumEngine> { return new ChromiumEngine(await launchBrowser()); }
  async newDevice(size: 'desktop' | 'phone' = 'desktop', options: { initScript?: string } = {}) {
    const context = await this.browser.newContext({ viewport: VIEWPORTS[size], deviceScaleFactor: 1 });
    if (options.initScript) await context.addInitScript({ content: options.initScript });
    return new ChromiumDevice(context).init();
  }
  async close() { await this.browser.close(); }
}
