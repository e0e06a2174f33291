/** Feed exports: the FeedExporter extension, its formats and CLI helpers. */
import { FeedExporter } from './feed-exporter.js';

export { FeedExporter, type FeedExporterOptions } from './feed-exporter.js';
export { FeedConfigError, FeedResumeError } from './errors.js';
export { feedsFromCliOption, feedsFromCliOptions, resolveFeed, readFeedsSetting, type FeedConfig } from './options.js';
export { FEED_FORMATS, findFormat } from './exporters/registry.js';
export type { FeedFormat, ItemExporter, ExporterOptions, PlainItem, ReopenResult } from './exporters/types.js';
export { feedsStatePath, type FeedsJobState, type FeedSlotState } from './job-state.js';

/** Components of this folder, by the names EXTENSIONS_BASE uses. */
export const FEED_COMPONENTS = { FeedExporter };
