import type { Request } from '../../../http/request.js';
import type { PageAction } from './actions.js';
import type { WaitUntil } from './options.js';

/**
 * What `meta.browser` may hold: `true` to render with the defaults, or these options (plain
 * data, so a rendered request is stored in a JOBDIR or Redis queue like any other).
 */
export interface BrowserMeta {
  /** Steps run after the page loaded, in order. */
  actions?: PageAction[];
  /** When navigation is done; BROWSER_WAIT_UNTIL by default. */
  waitUntil?: WaitUntil;
  /** Save a full-page PNG screenshot to this file after the actions. */
  screenshot?: string;
  /** Save the page as a PDF to this file after the actions. */
  pdf?: string;
}

/** The request's rendering options (`meta.browser` as an object, or none). */
export function browserMeta(request: Request): BrowserMeta {
  const m = request.meta.browser;
  return m && typeof m === 'object' ? (m as BrowserMeta) : {};
}

/** Whether the request is rendered: `meta.browser` set (true or options), or BROWSER_RENDER_ALL unless `meta.browser === false`. */
export function wantsBrowser(request: Request, renderAll: boolean): boolean {
  const m = request.meta.browser;
  if (m === false) return false;
  return renderAll || m === true || (!!m && typeof m === 'object');
}
