// The tscrapy side of bench/browser.ts: renders `/item/1..pages` and extracts what the script wrote.
import { BrowserRequest, Spider, type Response } from 'tscrapy';

export default class BrowserBenchSpider extends Spider {
  override name = 'browser-bench';
  declare base: string;
  declare pages: string;

  override async *start() {
    for (let i = 1; i <= Number(this.pages); i++) yield new BrowserRequest(`${this.base}/item/${i}`);
  }

  override parse(response: Response) {
    return [{ title: response.css('h1::text').get(), price: response.css('p.price::text').get(), paras: response.css('p.para').length }];
  }
}
