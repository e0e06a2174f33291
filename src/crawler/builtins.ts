import { ComponentRegistry, type ComponentClass } from './components.js';
import { DOWNLOADER_COMPONENTS } from './downloader/index.js';
import { EXTENSION_COMPONENTS } from './extensions/index.js';
import { SPIDER_MIDDLEWARE_COMPONENTS } from './spidermw/index.js';
import { FEED_COMPONENTS } from '../feeds/index.js';
import { MEDIA_COMPONENTS } from './pipelines/media/index.js';

/** Every built-in component by the name the *_BASE settings use. */
export const BUILTIN_COMPONENTS: Readonly<Record<string, ComponentClass>> = Object.freeze({
  ...DOWNLOADER_COMPONENTS,
  ...SPIDER_MIDDLEWARE_COMPONENTS,
  ...EXTENSION_COMPONENTS,
  ...FEED_COMPONENTS,
  ...MEDIA_COMPONENTS,
});

/** A fresh registry of the built-ins plus `extra` (a project's exported classes). */
export function componentRegistry(extra?: Record<string, ComponentClass>): ComponentRegistry {
  const r = new ComponentRegistry(Object.entries(BUILTIN_COMPONENTS));
  return extra ? r.extend(Object.entries(extra)) : r;
}
