import { Request } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';
import { Spider } from '../crawler/spider.js';

/** A product scraped from the demo shop. */
export interface ProductItem {
  url: string;
  sku: string | undefined;
  name: string | undefined;
  price: number | null;
  inStock: boolean;
}

/**
 * Crawls the demo shop: listing pages with pagination, then every product page. Product pages
 * link to related products (mostly duplicates the scheduler drops). Set `startUrls` (or
 * `-a startUrl=…`) to the site's origin.
 */
export class CatalogueSpider extends Spider {
  override name = 'catalogue';
  declare startUrl?: string;

  override async *start() {
    for (const url of this.startUrl ? [this.startUrl] : this.startUrls) yield new Request(url, { dontFilter: true });
  }

  override *parse(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: this.parseProduct });
    const next = response.css('li.next a::attr(href)').get();
    if (next) yield response.follow(next);
  }

  *parseProduct(response: Response) {
    const page = response.css('div.product-page');
    const price = page.css('p.price::text').get();
    const item: ProductItem = {
      url: response.url,
      sku: page.attrib['data-sku'],
      name: page.css('h1.name::text').get(),
      price: price ? Number(price.replace(/[^0-9.]/g, '')) : null,
      inStock: page.css('p.stock::text').get() === 'In stock',
    };
    yield item;
    yield* response.followAll(page.css('ul.related a'), { callback: this.parseProduct });
  }
}
