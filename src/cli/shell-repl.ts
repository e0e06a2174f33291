import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start as startRepl, type REPLServer } from 'node:repl';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { Request } from '../crawler/http/request.js';
import { Response } from '../crawler/http/response.js';
import { Selector } from '../selector/selector.js';
import { SelectorList } from '../selector/selector-list.js';
import type { InteractiveCrawl } from './interactive-crawl.js';
import { terminalInfo } from './terminal.js';

/** The shell's argument as a URL: an existing file → file://, else the text as a URL (checked). */
export function targetUrl(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return Request.checkUrl(target);
  if (existsSync(target) || target.startsWith('.') || target.startsWith('/')) return pathToFileURL(resolve(target)).href;
  return Request.checkUrl(target);
}

const HELP = `[s] Available tscrapy objects:
[s]   response        the current Response: response.css('h1::text').get(), response.xpath('//h1/text()').get(), response.json()
[s]   request         the Request that got it
[s]   spider          the spider
[s]   settings        the crawl's settings: settings.get('USER_AGENT')
[s]   crawler         the crawler (stats: crawler.stats.getStats())
[s]   Selector, SelectorList, Request
[s] Useful shortcuts:
[s]   await fetch(url or Request)   download and make it the current response
[s]   view(response)                write the body to a temp file and print its path
[s]   shelp()                       this help`;

/**
 * Runs the REPL until it exits (.exit, Ctrl-D, end of stdin). Works on a terminal and on piped
 * stdin, so scripts and tests can drive it.
 */
export async function startShell(crawl: InteractiveCrawl, o: { url?: string; redirect?: boolean; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Promise<void> {
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stdout;
  let response: Response | undefined;
  let request: Request | undefined;
  let repl: REPLServer | undefined;
  const setCurrent = (r: Response) => {
    response = r;
    request = r.request;
    if (repl) Object.assign(repl.context, { response, request });
  };
  const fetch = async (target: string | Request, options: { redirect?: boolean } = {}): Promise<Response> => {
    const req = typeof target === 'string' ? new Request(targetUrl(target)) : target;
    const r = await crawl.fetch(req, { anyStatus: true, redirect: options.redirect ?? true });
    setCurrent(r);
    return r;
  };
  if (o.url) await fetch(o.url, { redirect: o.redirect });
  const out = (s: string) => output.write(s + '\n');
  out(HELP);
  if (response) out(`[s] response: <${response.status} ${response.url}>`);

  const isTerminal = Boolean((input as NodeJS.ReadStream).isTTY && (output as NodeJS.WriteStream).isTTY);
  repl = startRepl({
    prompt: 'tscrapy> ',
    input,
    output,
    terminal: isTerminal,
    useColors: isTerminal && terminalInfo(output as NodeJS.WriteStream).color,
    ignoreUndefined: true,
    preview: isTerminal,
    writer: (value: unknown) => (value instanceof Response || value instanceof Request ? String(value) : inspect(value, { colors: isTerminal && terminalInfo(output as NodeJS.WriteStream).color, depth: 4 })),
  });
  // Piped input arrives faster than `await fetch(…)` completes: evaluate one input at a time, so
  // the next line sees the response the previous one fetched (as typing it would).
  let queue: Promise<void> = Promise.resolve();
  const evalOne = repl.eval.bind(repl);
  (repl as { eval: REPLServer['eval'] }).eval = (cmd, context, file, cb) => {
    queue = queue.then(
      () =>
        new Promise<void>((done) =>
          evalOne(cmd, context, file, (err, result) => {
            cb(err, result);
            done();
          }),
        ),
    );
  };
  Object.assign(repl.context, {
    response,
    request,
    spider: crawl.spider,
    settings: crawl.crawler.settings,
    crawler: crawl.crawler,
    fetch,
    view: (r: Response | undefined = response) => {
      if (!r) return 'No response yet: await fetch(url) first';
      const dir = mkdtempSync(join(tmpdir(), 'tscrapy-view-'));
      const file = join(dir, r.isText && /html/i.test(r.headers.get('content-type') ?? 'html') ? 'page.html' : 'body.bin');
      writeFileSync(file, r.body);
      return pathToFileURL(file).href;
    },
    shelp: () => void out(HELP),
    Selector,
    SelectorList,
    Request,
  });
  await new Promise<void>((resolveExit) => repl!.on('exit', () => void queue.then(resolveExit)));
}
