// The catalogue site of bench/threads.ts, in its own process: the demo shop's pages
// (catalogueHandler, same URLs, statuses, gzip share and links) rendered once and then served
// from memory, so that the site costs little CPU per page and the crawler gets the cores.
// `node bench/threads-site.mjs PRODUCTS` prints `{"origin": …}` once listening; it serves until
// stdin closes. Plain JS over the built `dist/`.
import { createServer } from 'node:http';
import { catalogueHandler } from '../dist/demo/catalogue-site.js';

const handler = catalogueHandler({ products: Number(process.argv[2] ?? 5000) });
/** Answers by path and whether gzip was accepted: status, headers, body. */
const cache = new Map();

/** Runs the shop's handler against a stand-in response that keeps what it writes. */
function render(req, path) {
  const out = { status: 200, headers: {}, body: Buffer.alloc(0) };
  handler(req, {
    writeHead(status, headers) {
      out.status = status;
      out.headers = headers;
    },
    end(body) {
      out.body = typeof body === 'string' ? Buffer.from(body) : body;
    },
  }, path);
  return out;
}

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const key = `${/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? 'gz' : 'id'} ${path}`;
  let answer = cache.get(key);
  if (answer === undefined) cache.set(key, (answer = render(req, path)));
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ origin: `http://127.0.0.1:${server.address().port}` }) + '\n');
});
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.stdin.resume();
