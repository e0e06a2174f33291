import { Request, Spider, type Response } from '../../src/index.js';

/** Follows links within the start URL's site and yields each page's title. `-a url=…` sets where it starts. */
export class TitleSpider extends Spider {
  override name = 'titles';
  declare url: string;

  override async *start() {
    yield new Request(this.url);
  }

  override *parse(response: Response) {
    yield { url: response.url, title: response.css('title::text').get()?.trim() ?? null };
    const host = new URL(this.url).host;
    for (const request of response.followAll(response.css('a'))) {
      if (new URL(request.url).host === host) yield request;
    }
  }
}
