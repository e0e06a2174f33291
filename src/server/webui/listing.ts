import { lstat, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ServerContext } from '../context.js';
import { localItemsDir } from '../items-dir.js';
import { isSafeName } from '../names.js';
import { esc } from './html.js';
import { formatFileSize, pyDateMinutes } from './python-format.js';

/*
 * `/logs/`, `/logs/P/`, `/logs/P/S/` (and the same under `/items/`) as Scrapyd serves them:
 * Twisted's static.File directory listing with Scrapyd's "Last modified" column
 * (scrapyd/website.py, DirectoryLister). ScrapydWeb checks for "Directory listing for /logs/"
 * (or /items/) and reads each row with a regex (its DIRECTORY_PATTERN): `<tr class="odd|even">`,
 * then one bare `<td>` per line for the linked name, size, last modified, content type and
 * content encoding. The rows keep that exact layout, line breaks included.
 */

/** Twisted's default content encodings, and the few types worth naming; the rest is Scrapyd's default, text/plain. */
const ENCODINGS: Record<string, string> = { '.gz': 'gzip', '.bz2': 'bzip2' };
const TYPES: Record<string, string> = { '.json': 'application/json', '.html': 'text/html', '.tar': 'application/x-tar', '.zip': 'application/zip' };

function typeAndEncoding(name: string): { type: string; encoding: string } {
  let base = name.toLowerCase();
  let encoding = '';
  const ext = (n: string) => /\.[^.]*$/.exec(n)?.[0] ?? '';
  if (ENCODINGS[ext(base)]) {
    encoding = ENCODINGS[ext(base)]!;
    base = base.slice(0, -ext(base).length);
  }
  return { type: TYPES[ext(base)] ?? 'text/plain', encoding };
}

/** Python's `urllib.parse.quote(name, "/")` for the names this listing shows. */
function pyQuote(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const TEMPLATE_HEAD = `<html>
<head>
<title>%HEADER%</title>
<style>
.even-dir { background-color: #efe0ef }
.even { background-color: #eee }
.odd-dir {background-color: #f0d0ef }
.odd { background-color: #dedede }
.icon { text-align: center }
.listing {
    margin-left: auto;
    margin-right: auto;
    width: 50%;
    padding: 0.1em;
    }

body { border: 0; padding: 0; margin: 0; background-color: #efefef; }
h1 {padding: 0.1em; background-color: #777; color: white; border-bottom: thin white dashed;}

</style>
</head>

<body>
<h1>%HEADER%</h1>

<table>
    <thead>
        <tr>
            <th>Filename</th>
            <th>Size</th>
            <th>Last modified</th>
            <th>Content type</th>
            <th>Content encoding</th>
        </tr>
    </thead>
    <tbody>
`;

const TEMPLATE_TAIL = `
    </tbody>
</table>

</body>
</html>
`;

interface Entry {
  text: string;
  href: string;
  size: string;
  modified: string;
  type: string;
  encoding: string;
}

/** The listing page for `dir` (null: an empty one), headed with the URL path that was asked for. */
export async function listingPage(dir: string | null, urlPath: string): Promise<string> {
  const dirs: Entry[] = [];
  const files: Entry[] = [];
  for (const name of dir === null ? [] : (await readdir(dir)).sort()) {
    // only names the server itself writes (and LogParser's stats.json): nothing hidden, nothing odd
    if (!isSafeName(name)) continue;
    const st = await lstat(join(dir!, name)).catch(() => null);
    if (!st) continue;
    const modified = pyDateMinutes(st.mtimeMs);
    if (st.isDirectory()) dirs.push({ text: `${esc(name)}/`, href: `${pyQuote(name)}/`, size: '', modified, type: '[Directory]', encoding: '' });
    else if (st.isFile()) {
      const { type, encoding } = typeAndEncoding(name);
      files.push({ text: esc(name), href: pyQuote(name), size: formatFileSize(st.size), modified, type: `[${type}]`, encoding: encoding ? `[${encoding}]` : '' });
    }
  }
  const rows = [...dirs, ...files].map(
    (e, i) => `<tr class="${i % 2 === 0 ? 'odd' : 'even'}">
    <td><a href="${e.href}">${e.text}</a></td>
    <td>${e.size}</td>
    <td>${e.modified}</td>
    <td>${e.type}</td>
    <td>${e.encoding}</td>
</tr>
`,
  );
  const header = esc(`Directory listing for ${urlPath}`);
  return TEMPLATE_HEAD.replaceAll('%HEADER%', header) + rows.join('') + TEMPLATE_TAIL;
}

/**
 * Serves a listing of logs_dir or items_dir, or of a project or spider folder in it. `segs`
 * are the path segments after `/logs/`, without the trailing empty one. Returns false when
 * this is not a listing this server has (the caller answers 404).
 */
export async function serveListing(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, kind: 'logs' | 'items', segs: string[]): Promise<boolean> {
  const root = kind === 'logs' ? ctx.config.logs_dir : localItemsDir(ctx.config);
  if (!root || segs.length > 2) return false;
  let names: string[];
  try {
    names = segs.map((s) => decodeURIComponent(s));
  } catch {
    return false;
  }
  if (!names.every(isSafeName)) return false;
  const dir = join(root, ...names);
  const st = await lstat(dir).catch(() => null);
  const urlPath = `/${[kind, ...names].join('/')}/`;
  let page: string;
  if (st?.isDirectory()) page = await listingPage(dir, urlPath);
  else if (names.length === 0 && !st) page = await listingPage(null, urlPath); // no job has written there yet
  else return false;
  const body = Buffer.from(page);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
