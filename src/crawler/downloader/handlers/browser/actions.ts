import type { Page } from 'playwright-core';
import { BrowserActionError } from './errors.js';

/**
 * One step run on the page after it loaded, in `meta.browser.actions` (plain data, so rendered
 * requests can be stored in a JOBDIR or Redis queue like any other):
 * - `{ action: 'waitForSelector', selector }`: wait until an element matches;
 * - `{ action: 'click', selector, waitForSelector? }`: click it, then optionally wait for another;
 * - `{ action: 'scroll', times?, waitForSelector? }`: scroll to the bottom `times` times (default 1),
 *   letting the page settle after each;
 * - `{ action: 'evaluate', script }`: run a JavaScript expression in the page.
 */
export type PageAction =
  | { action: 'waitForSelector'; selector: string }
  | { action: 'click'; selector: string; waitForSelector?: string }
  | { action: 'scroll'; times?: number; waitForSelector?: string }
  | { action: 'evaluate'; script: string };

/** How long a scroll waits for the page to grow before it counts the page as fully loaded. */
const SCROLL_GROW_MS = 5000;

const KINDS = ['waitForSelector', 'click', 'scroll', 'evaluate'];

/** Checks `meta.browser.actions` before the page opens; names the bad step and what is valid. */
export function checkActions(actions: unknown, url: string): PageAction[] {
  if (actions === undefined || actions === null) return [];
  if (!Array.isArray(actions)) throw new BrowserActionError(`meta.browser.actions of ${url} must be a list of steps, got ${typeof actions}`);
  actions.forEach((a: any, i) => {
    const where = `meta.browser.actions[${i}] of ${url}`;
    if (!a || typeof a !== 'object' || !KINDS.includes(a.action)) {
      throw new BrowserActionError(`${where} must be an object with action ${KINDS.join(', ')}, got ${JSON.stringify(a)}`);
    }
    if ((a.action === 'waitForSelector' || a.action === 'click') && (typeof a.selector !== 'string' || a.selector === '')) {
      throw new BrowserActionError(`${where} (${a.action}) needs a selector string`);
    }
    if (a.action === 'evaluate' && typeof a.script !== 'string') throw new BrowserActionError(`${where} (evaluate) needs a script string`);
    if (a.action === 'scroll' && a.times !== undefined && !(Number.isInteger(a.times) && a.times >= 1)) {
      throw new BrowserActionError(`${where} (scroll) times must be a whole number of 1 or more, got ${JSON.stringify(a.times)}`);
    }
    if (a.waitForSelector !== undefined && typeof a.waitForSelector !== 'string') throw new BrowserActionError(`${where} waitForSelector must be a string`);
  });
  return actions as PageAction[];
}

/** Runs the steps in order; the page's timeout (navigation timeout) bounds each wait. */
export async function runActions(page: Page, actions: PageAction[]): Promise<void> {
  for (const [i, a] of actions.entries()) {
    try {
      switch (a.action) {
        case 'waitForSelector':
          await page.waitForSelector(a.selector, { state: 'attached' });
          break;
        case 'click':
          await page.click(a.selector);
          if (a.waitForSelector) await page.waitForSelector(a.waitForSelector, { state: 'attached' });
          break;
        case 'scroll':
          for (let n = 0; n < (a.times ?? 1); n++) {
            // Page-side code as strings: the crawler is compiled without DOM types.
            const height = await page.evaluate<number>('window.scrollTo(0, document.documentElement.scrollHeight), document.documentElement.scrollHeight');
            // Infinite-scroll pages add content after the scroll event; a page that stops
            // growing has nothing more to load, so scrolling ends early.
            const grew = await page
              .waitForFunction(`document.documentElement.scrollHeight > ${height}`, undefined, { timeout: SCROLL_GROW_MS })
              .then(() => true, () => false);
            if (!grew) break;
          }
          if (a.waitForSelector) await page.waitForSelector(a.waitForSelector, { state: 'attached' });
          break;
        case 'evaluate':
          await page.evaluate(a.script);
          break;
      }
    } catch (err) {
      throw new BrowserActionError(`Page action ${i} (${a.action}) failed on ${page.url()}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
}
