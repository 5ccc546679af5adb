/**
 * A small driver layer so one browser-test scenario runs in both engines: Debian's chromium
 * through playwright-core (CDP) and Debian's firefox-esr through puppeteer-core (WebDriver
 * BiDi). Scenarios (scenarios.ts) speak only these interfaces; chromium.ts and firefox.ts
 * map them onto each library. Kept to what the shared scenarios need.
 */

/**
 * What to act on: a CSS selector, or an element found as a person finds it — by role and
 * exact accessible name, by label, by visible text (a substring) or by test id — optionally
 * inside the first element matching the CSS selector `within`.
 */
export type Target =
  | string
  | { role: 'button' | 'link' | 'radio' | 'checkbox' | 'region' | 'textbox'; name: string; within?: string }
  | { label: string; within?: string }
  | { text: string; within?: string }
  | { testId: string; within?: string };

/** One page (tab) of a device. */
export interface Tab {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  url(): string;
  waitForUrl(pattern: RegExp, timeout?: number): Promise<void>;
  /** Wait until `target` is visible. */
  waitFor(target: Target, timeout?: number): Promise<void>;
  /** Whether `target` is visible now (no waiting). */
  isVisible(target: Target): Promise<boolean>;
  click(target: Target): Promise<void>;
  fill(target: Target, value: string): Promise<void>;
  /** A key or a chord such as 'Control+End' or 'Tab'. */
  press(key: string): Promise<void>;
  type(text: string): Promise<void>;
  /** textContent of the first match, null when none. */
  text(target: Target): Promise<string | null>;
  attribute(target: Target, name: string): Promise<string | null>;
  count(target: Target): Promise<number>;
  scrollIntoView(target: Target): Promise<void>;
  evaluate<T>(fn: () => T | Promise<T>): Promise<T>;
  /** A screenshot under SHOTS_DIR, named with the engine. */
  shot(name: string): Promise<void>;
  /** Uncaught page errors so far (a scenario asserts none happened). */
  readonly errors: string[];
}

/** A device: its own profile (IndexedDB, service worker), one or more tabs. */
export interface Device {
  newTab(): Promise<Tab>;
  /**
   * Take the device's network away (and give it back): new requests fail, navigator.onLine
   * turns false and the relay's open WebSockets close, as when Wi-Fi drops.
   */
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A launched browser of one engine. */
export interface Engine {
  readonly name: 'chromium' | 'firefox';
  /** A new device; `initScript` runs in each of its pages before the page's own scripts. */
  newDevice(size?: 'desktop' | 'phone', options?: { initScript?: string }): Promise<Device>;
  close(): Promise<void>;
}

export const VIEWPORTS = { desktop: { width: 1280, height: 860 }, phone: { width: 360, height: 740 } } as const;
