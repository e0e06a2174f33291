// The spider of bench/browser-mixed.ts: `plain` plain product pages and `rendered` script-rendered
// pages in one crawl, the rendered ones spread evenly among the plain ones in the start order.
import { BrowserRequest, Request, Spider, type Response } from 'tscrapy';

export default class BrowserMixedSpider extends Spider {
  override name = 'browser-mixed';
  declare base: string;
  declare plain: string;
  declare rendered: string;

  override async *start() {
    const plain = Number(this.plain);
    const rendered = Number(this.rendered);
    const total = plain + rendered;
    let p = 0;
    let r = 0;
    for (let i = 0; i < total; i++) {
      // Rendered request r goes where its share of the order falls.
      if (r < rendered && (p >= plain || (r + 1) * total <= (i + 1) * rendered)) yield new BrowserRequest(`${this.base}/item/${++r}`);
      else yield new Request(`${this.base}/product/${++p}`);
    }
  }

  override parse(response: Response) {
    return [{ kind: response.flags.includes('browser') ? 'rendered' : 'plain', title: response.css('h1::text').get(), paras: response.css('p.para').length }];
  }
}
