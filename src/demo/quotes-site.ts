import type { IncomingMessage, ServerResponse } from 'node:http';

/** An author of the practice quotes: fictional, so the site can be copied and changed freely. */
interface Author {
  name: string;
  born: string;
  location: string;
  description: string;
}

const AUTHORS: readonly Author[] = [
  { name: 'Ada Brightwater', born: 'March 3, 1851', location: 'in Bristol, England', description: 'A mapmaker who wrote about the roads she never took.' },
  { name: 'Tomas Ferro', born: 'July 19, 1902', location: 'in Porto, Portugal', description: 'A ferry captain and the author of three slim books of sayings.' },
  { name: 'Mei Lindqvist', born: 'January 8, 1937', location: 'in Uppsala, Sweden', description: 'A librarian remembered for the notes she left in returned books.' },
  { name: 'Olu Adebayo', born: 'November 30, 1948', location: 'in Ibadan, Nigeria', description: 'A teacher whose classroom proverbs were collected by his students.' },
  { name: 'Clara Voss', born: 'May 12, 1889', location: 'in Leipzig, Germany', description: 'A piano tuner and diarist.' },
  { name: 'Rafael Ortega', born: 'August 2, 1965', location: 'in Valparaíso, Chile', description: 'A baker who wrote one line on every loaf wrapper.' },
  { name: 'June Hartley', born: 'October 21, 1920', location: 'in Halifax, Canada', description: 'A radio host known for her closing remarks.' },
  { name: 'Ivo Petrov', born: 'February 14, 1974', location: 'in Plovdiv, Bulgaria', description: 'A chess coach who explained everything with chess.' },
];

const OPENINGS = [
  'A good book', 'Laughter', 'Every friendship', 'The truth', 'A small kindness', 'Love', 'The world',
  'An honest question', 'Life', 'Courage', 'A quiet morning', 'Curiosity', 'Patience', 'A joke told well',
];
const ENDINGS = [
  'is a door that opens from the inside', 'travels further than any ship', 'needs no translation',
  'grows when it is shared', 'is louder than a shout', 'begins with listening', 'is the shortest way home',
  'keeps better than bread', 'was never in a hurry', 'weighs nothing and holds everything', 'turns strangers into neighbours',
];
const TAGS = ['humor', 'love', 'life', 'books', 'inspirational', 'friendship', 'truth', 'world'] as const;

/** Quotes per listing page, as on quotes.toscrape.com. */
export const QUOTES_PER_PAGE = 10;

/** One quote of the practice site. */
export interface PracticeQuote {
  text: string;
  author: Author;
  tags: string[];
}

/** Quote number `n` (1-based): the same text, author and tags on every run. */
export function practiceQuote(n: number): PracticeQuote {
  const text = `“${OPENINGS[n % OPENINGS.length]} ${ENDINGS[(n * 3) % ENDINGS.length]}.”`;
  const first = TAGS[n % TAGS.length]!;
  const second = TAGS[(n * 5 + 1) % TAGS.length]!;
  return { text, author: AUTHORS[(n * 7) % AUTHORS.length]!, tags: first === second || n % 3 === 0 ? [first] : [first, second] };
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-');
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function layout(body: string, shopPath: string | undefined): string {
  const shop = shopPath ? ` · <a href="${shopPath}">Practice shop</a>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Quotes to Scrape</title></head>
<body><div class="container">
<div class="row header-box"><div class="col-md-8"><h1><a href="/">Quotes to Scrape</a></h1></div></div>
${body}
<footer class="footer"><p>A practice site served by tscrapy on your machine${shop}.</p></footer>
</div></body></html>`;
}

function quoteHtml(q: PracticeQuote): string {
  const tags = q.tags.map((t) => `<a class="tag" href="/tag/${t}/page/1/">${t}</a>`).join('\n    ');
  return `<div class="quote" itemscope itemtype="http://schema.org/CreativeWork">
  <span class="text" itemprop="text">${escape(q.text)}</span>
  <span>by <small class="author" itemprop="author">${escape(q.author.name)}</small> <a href="/author/${slug(q.author.name)}">(about)</a></span>
  <div class="tags">Tags: <meta class="keywords" itemprop="keywords" content="${q.tags.join(',')}">
    ${tags}
  </div>
</div>`;
}

function listing(quotes: PracticeQuote[], page: number, pageHref: (n: number) => string, shopPath: string | undefined): string | undefined {
  const pages = Math.max(1, Math.ceil(quotes.length / QUOTES_PER_PAGE));
  if (page < 1 || page > pages) return undefined;
  const shown = quotes.slice((page - 1) * QUOTES_PER_PAGE, page * QUOTES_PER_PAGE).map(quoteHtml).join('\n');
  const prev = page > 1 ? `<li class="previous"><a href="${pageHref(page - 1)}"><span aria-hidden="true">←</span> Previous</a></li>` : '';
  const next = page < pages ? `<li class="next"><a href="${pageHref(page + 1)}">Next <span aria-hidden="true">→</span></a></li>` : '';
  return layout(`<div class="row"><div class="col-md-8">
${shown}
<nav><ul class="pager">${prev}${next}</ul></nav>
</div></div>`, shopPath);
}

/** Options of the quotes pages. */
export interface QuotesHandlerOptions {
  /** Listing pages of ten quotes. @default 10 */
  pages?: number;
  /** Where the footer links to the practice shop, if anywhere. */
  shopPath?: string;
}

/**
 * Quotes pages shaped like quotes.toscrape.com's: `/` and `/page/N/` (ten quotes each, linked by
 * `li.next a`), `/tag/NAME/` and `/tag/NAME/page/N/`, and `/author/NAME` (born date, place and a
 * description). Returns a handler that answers those paths and returns false for any other.
 */
export function quotesHandler(options: QuotesHandlerOptions = {}): { total: number; handle(req: IncomingMessage, res: ServerResponse, path: string): boolean } {
  const quotes: PracticeQuote[] = [];
  for (let n = 1; n <= (options.pages ?? 10) * QUOTES_PER_PAGE; n++) quotes.push(practiceQuote(n));
  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  const handle = (_req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    let m: RegExpExecArray | null;
    let html: string | undefined;
    if (path === '/' || (m = /^\/page\/(\d+)\/?$/.exec(path))) {
      html = listing(quotes, path === '/' ? 1 : Number(m![1]), (n) => `/page/${n}/`, options.shopPath);
    } else if ((m = /^\/tag\/([\w-]+)\/(?:page\/(\d+)\/?)?$/.exec(path))) {
      const tag = m[1]!;
      const tagged = quotes.filter((q) => q.tags.includes(tag));
      html = tagged.length ? listing(tagged, Number(m[2] ?? 1), (n) => `/tag/${tag}/page/${n}/`, options.shopPath) : undefined;
    } else if ((m = /^\/author\/([\w-]+)\/?$/.exec(path))) {
      const a = AUTHORS.find((x) => slug(x.name) === m![1]);
      if (a) {
        html = layout(`<div class="author-details">
<h3 class="author-title">${escape(a.name)}</h3>
<p><strong>Born:</strong> <span class="author-born-date">${a.born}</span> <span class="author-born-location">${escape(a.location)}</span></p>
<p><strong>Description:</strong></p>
<div class="author-description">${escape(a.description)}</div>
</div>`, options.shopPath);
      }
    } else {
      return false;
    }
    send(res, html ? 200 : 404, html ?? layout('<h1>Not found</h1>', options.shopPath));
    return true;
  };
  return { total: quotes.length, handle };
}
