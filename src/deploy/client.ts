import { FormData, request, type Dispatcher } from 'undici';
import type { Credentials } from '../config/credentials.js';
import { AuthenticationError, ServerError, ServerUnreachableError, TlsError } from './errors.js';
import { MASK } from '../crawler/downloader/mask.js';
import { maskUrl } from '../crawler/downloader/mask.js';
import { endpointUrl } from './targets.js';

/** How to talk to one server. */
export interface ClientOptions {
  /** The target's URL (treated as a folder). */
  url: string;
  credentials?: Credentials | undefined;
  /** Places searched for credentials, for the 401 message. */
  searched?: string[];
  /** Receives one line per request/response detail (`--debug`); credentials are masked. */
  debug?: (line: string) => void;
  dispatcher?: Dispatcher;
  /** Milliseconds to wait for the server's answer (it may build/list the bundle first). @default 300000 */
  timeout?: number;
}

/** A server's answer. */
export interface ServerAnswer {
  status: number;
  /** The body as received. */
  text: string;
  /** The body parsed as JSON, when it is. */
  json: Record<string, unknown> | undefined;
}

/** Largest answer read; a Scrapyd answer is a few hundred bytes. */
const MAX_ANSWER = 10 * 1024 * 1024;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

function basicAuth(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

/** A network failure as a typed error naming the URL and what to check. */
function networkError(err: unknown, url: URL): Error {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  const msg = e.message || String(err);
  if (TLS_CODES.has(code) || /^ERR_(?:SSL|TLS)_/.test(code) || /certificate|SSL|TLS/i.test(msg)) {
    return new TlsError(
      `TLS error talking to ${url.origin}: ${msg} (${code || 'no code'}). If the server uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate; check the url in scrapy.cfg (http vs https).`,
      { cause: err },
    );
  }
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused: is the server running and listening on that port?',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed (temporary)',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: 'the server did not answer in time',
    UND_ERR_SOCKET: 'the connection closed unexpectedly',
  };
  return new ServerUnreachableError(`Could not reach ${url.origin}: ${why[code] ?? msg}${code && !why[code] ? ` (${code})` : ''}`, { cause: err });
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER) {
      body.destroy();
      throw new ServerError(`The server's answer is larger than ${MAX_ANSWER} bytes`, 0, '');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One call to a Scrapyd-compatible endpoint. Throws typed errors for an unreachable server, TLS
 * failures, 401/403 (naming where credentials were looked for) and non-2xx statuses. A 2xx
 * answer is returned as is, `"status": "error"` included (callers decide).
 */
export async function callEndpoint(opts: ClientOptions, endpoint: string, form?: FormData, formSummary?: string): Promise<ServerAnswer> {
  const url = endpointUrl(opts.url, endpoint);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.credentials) headers.authorization = basicAuth(opts.credentials);
  const method = form ? 'POST' : 'GET';
  const debug = opts.debug;
  if (debug) {
    debug(`> ${method} ${maskUrl(url.toString())}`);
    debug(`> Accept: application/json`);
    if (opts.credentials) debug(`> Authorization: Basic ${MASK} (user "${opts.credentials.username}", from ${opts.credentials.from})`);
    else debug(`> (no credentials: looked in ${(opts.searched ?? []).join('; ') || 'nothing'})`);
    if (formSummary) debug(`> multipart/form-data: ${formSummary}`);
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method,
      headers,
      ...(form ? { body: form } : {}),
      headersTimeout: opts.timeout ?? 300_000,
      bodyTimeout: opts.timeout ?? 300_000,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
  } catch (err) {
    throw networkError(err, url);
  }
  let text: string;
  try {
    text = await readText(res.body);
  } catch (err) {
    if (err instanceof ServerError) throw err;
    throw networkError(err, url);
  }
  if (debug) {
    debug(`< ${res.statusCode}`);
    for (const [k, v] of Object.entries(res.headers)) debug(`< ${k}: ${k.toLowerCase() === 'set-cookie' ? MASK : String(v)}`);
  }
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (res.statusCode === 401 || res.statusCode === 403) {
    const tried = opts.credentials ? `sent user "${opts.credentials.username}" from ${opts.credentials.from}` : `no credentials found; looked in: ${(opts.searched ?? []).join('; ')}`;
    throw new AuthenticationError(
      `${res.statusCode} ${res.statusCode === 401 ? 'Unauthorized' : 'Forbidden'} from ${maskUrl(url.toString())}: ${tried}. ` +
        'Set username/password in the target\'s scrapy.cfg section, add a "machine HOST login USER password PASS" line to ~/.netrc, or run `tscrapy login TARGET`.',
    );
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    const message = typeof json?.message === 'string' ? json.message : text.slice(0, 500);
    throw new ServerError(`Server error ${res.statusCode} from ${maskUrl(url.toString())}: ${message}`, res.statusCode, text);
  }
  return { status: res.statusCode, text, json };
}

/** Uploads a bundle: `addversion.json` with multipart fields `project`, `version`, `egg`. */
export async function addVersion(opts: ClientOptions, upload: { project: string; version: string; egg: Uint8Array }): Promise<ServerAnswer> {
  const form = new FormData();
  form.set('project', upload.project);
  form.set('version', upload.version);
  form.set('egg', new Blob([upload.egg], { type: 'application/gzip' }), `${upload.project}-${upload.version}.tar.gz`);
  return callEndpoint(opts, 'addversion.json', form, `project=${upload.project}, version=${upload.version}, egg=<${upload.egg.byteLength} bytes>`);
}

/** The projects on a server (`listprojects.json`). */
export async function listProjects(opts: ClientOptions): Promise<{ answer: ServerAnswer; projects: string[] }> {
  const answer = await callEndpoint(opts, 'listprojects.json');
  const projects = Array.isArray(answer.json?.projects) ? (answer.json.projects as unknown[]).map(String) : [];
  return { answer, projects };
}
