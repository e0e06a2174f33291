/** Items and item loaders (Scrapy's scrapy.Item, scrapy.Field, ItemLoader and itemloaders.processors). */
export { Item, Field, type FieldMeta, type ItemValues } from './item.js';
export { ItemLoader, type ItemLoaderOptions, type FieldProcessors, type LoaderSelector, type ValueOptions } from './item-loader.js';
export { Identity, TakeFirst, Join, MapCompose, Compose, toValueList, type Processor } from './processors.js';
export { UnknownFieldError } from './errors.js';
