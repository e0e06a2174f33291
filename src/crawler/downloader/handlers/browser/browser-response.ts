import type { Page } from 'playwright-core';
import { Response, type ParseUse } from '../../../http/response.js';

/**
 * A rendered response. With `meta.browserPage: true` it also holds the live page for the
 * callback (to click, type, read what the HTML does not show); the page closes once the
 * callback's output has been consumed, or with the crawl, whichever comes first.
 */
export class BrowserResponse extends Response {
  #page: Page | null = null;
  #close: (() => Promise<void>) | null = null;

  /** The live page when the request asked for it (`meta.browserPage: true`), until the callback is done; else null. */
  get page(): Page | null {
    return this.#page;
  }

  /** Hands the page over; `close` closes it and frees what it holds. Called by the browser handler. */
  attachPage(page: Page, close: () => Promise<void>): void {
    this.#page = page;
    this.#close = close;
  }

  /** Closes the live page now (it is closed after the callback anyway). */
  async closePage(): Promise<void> {
    const close = this.#close;
    this.#page = null;
    this.#close = null;
    if (close) await close();
  }

  /** The scraper is done with this response: its live page goes too. */
  override releaseParsed(): ParseUse {
    void this.closePage();
    return super.releaseParsed();
  }
}
