import { RetryableError, TscrapyError } from '../../../errors.js';

/** playwright-core is not installed, or no Chromium executable was found. Not retried. */
export class BrowserNotAvailableError extends TscrapyError {
  override readonly code = 'TSC_ERR_BROWSER_NOT_AVAILABLE';
}

/** The browser process died while the request was rendered; the next request starts a new one. */
export class BrowserCrashedError extends RetryableError {
  override readonly code = 'TSC_ERR_BROWSER_CRASHED';
}

/** The browser could not load the page (connection refused, DNS, aborted navigation). */
export class BrowserNavigationError extends RetryableError {
  override readonly code = 'TSC_ERR_BROWSER_NAVIGATION';
}

/** A page action in `meta.browser.actions` failed (selector never appeared, script threw). */
export class BrowserActionError extends TscrapyError {
  override readonly code = 'TSC_ERR_BROWSER_ACTION';
}
