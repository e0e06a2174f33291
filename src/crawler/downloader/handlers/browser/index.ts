export { BrowserHandler, type BrowserHandlerOptions } from './handler.js';
export { BrowserRequest, type BrowserRequestOptions } from './browser-request.js';
export { BrowserResponse } from './browser-response.js';
export { RenderRouter, withBrowserRendering } from './router.js';
export { browserSettings, BLOCKABLE_RESOURCES, WAIT_UNTIL, type BrowserSettings, type BlockableResource, type WaitUntil } from './options.js';
export { checkActions, type PageAction } from './actions.js';
export { browserMeta, wantsBrowser, type BrowserMeta } from './request-meta.js';
export { findChromium, CHROMIUM_ARGS } from './launcher.js';
export * from './errors.js';
