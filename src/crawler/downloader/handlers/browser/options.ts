import { InvalidArgumentError } from '../../../errors.js';
import type { Settings } from '../../../settings/settings.js';

/** Resource types a page may be told not to load (Playwright's `request.resourceType()`). */
export const BLOCKABLE_RESOURCES = ['image', 'font', 'media', 'stylesheet', 'texttrack', 'manifest', 'other'] as const;
export type BlockableResource = (typeof BLOCKABLE_RESOURCES)[number];

/** When navigation counts as done (Playwright's `waitUntil`). */
export const WAIT_UNTIL = ['load', 'domcontentloaded', 'networkidle', 'commit'] as const;
export type WaitUntil = (typeof WAIT_UNTIL)[number];

/** How the crawl renders pages, from the BROWSER_* settings. */
export interface BrowserSettings {
  /** Render every http(s) request unless its `meta.browser` is false (BROWSER_RENDER_ALL). @default false */
  renderAll: boolean;
  /** Chromium to run (BROWSER_EXECUTABLE_PATH); null: the environment variable, then PATH. @default null */
  executablePath: string | null;
  /** Pages open at once (BROWSER_MAX_PAGES); more requests wait their turn. @default 4 */
  maxPages: number;
  /**
   * Rendered requests that may wait for a free page without counting against CONCURRENT_REQUESTS
   * (BROWSER_MAX_WAITING), so plain requests queued behind them keep going; more wait like any
   * request. It bounds how much of a JOBDIR or Redis queue a crawl takes into memory. @default 1000
   */
  maxWaiting: number;
  /** Pages a browser context serves before it is closed and a fresh one made (BROWSER_CONTEXT_MAX_PAGES). @default 100 */
  contextMaxPages: number;
  /** Seconds for navigation and actions (BROWSER_NAVIGATION_TIMEOUT); 0: DOWNLOAD_TIMEOUT. @default 0 */
  navigationTimeout: number;
  /** Resource types not loaded (BROWSER_BLOCKED_RESOURCES), e.g. ["image", "font", "media"]. @default [] */
  blockedResources: BlockableResource[];
  /** When navigation is done (BROWSER_WAIT_UNTIL). @default 'load' */
  waitUntil: WaitUntil;
}

/** Reads and checks the BROWSER_* settings; a bad value fails the crawl's start with its name. */
export function browserSettings(s: Settings): BrowserSettings {
  const maxPages = s.getInt('BROWSER_MAX_PAGES', 4);
  const maxWaiting = s.getInt('BROWSER_MAX_WAITING', 1000);
  const contextMaxPages = s.getInt('BROWSER_CONTEXT_MAX_PAGES', 100);
  const navigationTimeout = s.getFloat('BROWSER_NAVIGATION_TIMEOUT', 0);
  if (maxPages < 1) throw new InvalidArgumentError(`BROWSER_MAX_PAGES must be a whole number of 1 or more, got ${maxPages}`);
  if (maxWaiting < 0) throw new InvalidArgumentError(`BROWSER_MAX_WAITING must be a whole number of 0 or more, got ${maxWaiting}`);
  if (contextMaxPages < 1) throw new InvalidArgumentError(`BROWSER_CONTEXT_MAX_PAGES must be a whole number of 1 or more, got ${contextMaxPages}`);
  if (navigationTimeout < 0) throw new InvalidArgumentError(`BROWSER_NAVIGATION_TIMEOUT must be 0 (use DOWNLOAD_TIMEOUT) or more seconds, got ${navigationTimeout}`);
  const blocked = s.getList('BROWSER_BLOCKED_RESOURCES', []).map((x) => String(x).trim().toLowerCase());
  for (const b of blocked) {
    if (!(BLOCKABLE_RESOURCES as readonly string[]).includes(b)) {
      throw new InvalidArgumentError(`BROWSER_BLOCKED_RESOURCES has ${JSON.stringify(b)}; valid resource types: ${BLOCKABLE_RESOURCES.join(', ')}`);
    }
  }
  const waitUntil = String(s.get('BROWSER_WAIT_UNTIL', 'load'));
  if (!(WAIT_UNTIL as readonly string[]).includes(waitUntil)) {
    throw new InvalidArgumentError(`BROWSER_WAIT_UNTIL must be one of ${WAIT_UNTIL.join(', ')}, got ${JSON.stringify(waitUntil)}`);
  }
  const exe = s.get('BROWSER_EXECUTABLE_PATH', null);
  return {
    renderAll: s.getBool('BROWSER_RENDER_ALL', false),
    executablePath: typeof exe === 'string' && exe !== '' ? exe : null,
    maxPages,
    maxWaiting,
    contextMaxPages,
    navigationTimeout,
    blockedResources: blocked as BlockableResource[],
    waitUntil: waitUntil as WaitUntil,
  };
}
