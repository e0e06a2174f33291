import type { ComponentClass } from '../components.js';
import { DepthMiddleware } from './depth.js';
import { HttpErrorMiddleware } from './http-error.js';
import { OffsiteMiddleware } from './offsite.js';
import { RefererMiddleware } from './referer.js';
import { UrlLengthMiddleware } from './url-length.js';

export { SpiderMiddlewareManager } from './manager.js';
export type { SpiderMiddleware } from './types.js';
export { DepthMiddleware, HttpErrorMiddleware, OffsiteMiddleware, RefererMiddleware, UrlLengthMiddleware };

/** The built-in spider middlewares by the names used in SPIDER_MIDDLEWARES_BASE. */
export const SPIDER_MIDDLEWARE_COMPONENTS: Record<string, ComponentClass> = {
  HttpErrorMiddleware,
  OffsiteMiddleware,
  RefererMiddleware,
  UrlLengthMiddleware,
  DepthMiddleware,
};
