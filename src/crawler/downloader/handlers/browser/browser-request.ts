import { REQUEST_KINDS, Request, type RequestOptions } from '../../../http/request.js';
import type { BrowserMeta } from './request-meta.js';

/** Options of `new BrowserRequest(url, options)`: a Request's options, plus how to render the page. */
export interface BrowserRequestOptions extends RequestOptions {
  /** Rendering options, stored as `meta.browser`. */
  browser?: BrowserMeta;
}

/**
 * A request rendered in the browser: the same as `new Request(url, { meta: { browser: true } })`,
 * with the rendering options (`actions`, `screenshot`, ...) as a typed `browser` option.
 *
 * ```ts
 * new BrowserRequest(url, { browser: { actions: [{ action: 'click', selector: '#more' }] } });
 * ```
 */
export class BrowserRequest extends Request {
  constructor(url: string, options: BrowserRequestOptions = {}) {
    const { browser, ...rest } = options;
    const meta = { ...(rest.meta ?? {}) };
    if (browser !== undefined) meta.browser = browser;
    else if (meta.browser === undefined || meta.browser === false) meta.browser = true;
    super(url, { ...rest, meta });
  }
}

REQUEST_KINDS.set('BrowserRequest', BrowserRequest);
