// The spider of bench/crawl.ts as a user's file, for the run through the CLI
// (`tscrapy runspider`): the same pages and fields as src/demo/catalogue-spider.ts.
import { Request, Spider, type Response } from 'tscrapy';

export default class Catalogue extends Spider {
  override name = 'catalogue';
  declare startUrl: string;

  override async *start() {
    yield new Request(this.startUrl, { dontFilter: true });
  }

  override *parse(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: this.parseProduct });
    const next = response.css('li.next a::attr(href)').get();
    if (next) yield response.follow(next);
  }

  *parseProduct(response: Response) {
    const page = response.css('div.product-page');
    const price = page.css('p.price::text').get();
    yield {
      url: response.url,
      sku: page.attrib['data-sku'],
      name: page.css('h1.name::text').get(),
      price: price ? Number(price.replace(/[^0-9.]/g, '')) : null,
      inStock: page.css('p.stock::text').get() === 'In stock',
    };
    yield* response.followAll(page.css('ul.related a'), { callback: this.parseProduct });
  }
}
