# The bench's catalogue crawl with Scrapy (bench/peers/run.ts starts it): the same pages and
# fields as bench/catalogue-runspider.ts and crawlee/catalogue.mjs.
#
#   scrapy runspider scrapy_catalogue.py -a start_url=ORIGIN/ -s CONCURRENT_REQUESTS=64 -o items.jsonl
import scrapy


class CatalogueSpider(scrapy.Spider):
    name = 'catalogue'

    def start_requests(self):
        yield scrapy.Request(self.start_url, dont_filter=True)

    def parse(self, response):
        yield from response.follow_all(response.css('li.product a.title'), callback=self.parse_product)
        next_page = response.css('li.next a::attr(href)').get()
        if next_page:
            yield response.follow(next_page)

    def parse_product(self, response):
        page = response.css('div.product-page')
        price = page.css('p.price::text').get()
        yield {
            'url': response.url,
            'sku': page.attrib.get('data-sku'),
            'name': page.css('h1.name::text').get(),
            'price': float(''.join(c for c in price if c.isdigit() or c == '.')) if price else None,
            'inStock': page.css('p.stock::text').get() == 'In stock',
        }
        yield from response.follow_all(page.css('ul.related a'), callback=self.parse_product)
