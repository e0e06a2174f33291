import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonFragment } from '../api/format.js';
import { ENDPOINTS } from '../api/index.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { serveListing } from '../webui/listing.js';
import { handleUi } from '../webui/routes.js';
import { makeBasicAuth } from './auth.js';
import { readParams, type BodyLimits } from './body.js';
import { serveJobFile } from './files.js';
import { makeCors, makeHostCheck } from './origin.js';
import { parseTarget } from './target.js';

const FORM_LIMIT = 1024 * 1024;

/**
 * Writes a JSON reply the way Scrapyd does: `status` and `node_name` in every reply, a
 * trailing newline. CORS headers, when the Origin is allowed, are set by the router.
 */
export function sendJson(res: ServerResponse, httpStatus: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  // top-level JsonFragment values are spliced in as they are (pre-serialised job lists)
  const parts = Object.entries(body).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${v instanceof JsonFragment ? v.json : JSON.stringify(v)}`);
  const content = `{${parts.join(',')}}\n`;
  res.writeHead(httpStatus, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(content)),
    ...headers,
  });
  res.end(content);
}

/** True when a browser says this POST comes from another site (CSRF: deploying is running code). */
function crossSite(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** Scrapyd's method list for a resource: `OPTIONS, HEAD, GET` or `OPTIONS, HEAD, POST`. */
function scrapydMethods(methods: readonly string[]): string {
  return ['OPTIONS', 'HEAD', ...methods].join(', ');
}

/** The server's request handler: auth, CSRF check, JSON API, job files, web UI. */
export function createRequestHandler(ctx: ServerContext, log: (msg: string) => void): (req: IncomingMessage, res: ServerResponse) => void {
  const { config } = ctx;
  const authorized = config.username || config.password ? makeBasicAuth(config.username, config.password) : undefined;
  const limits: BodyLimits = { maxFormBytes: FORM_LIMIT, maxFileBytes: config.max_upload_size };
  const hostAllowed = makeHostCheck(config);
  const cors = makeCors(config);
  const errorReply = (res: ServerResponse, err: unknown, honestStatus?: number, headers?: Record<string, string>) => {
    const api = err instanceof ApiError;
    const status = honestStatus ?? (config.error_status_codes ? (api ? err.httpStatus : 500) : 200);
    const message = api ? err.message : `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
    const body: Record<string, unknown> = { node_name: config.node_name, status: 'error', message };
    if (config.debug && !api) body.traceback = (err as Error)?.stack ?? String(err);
    if (!res.headersSent) sendJson(res, status, body, headers);
    else res.destroy();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = parseTarget(req.url);
    } catch (err) {
      req.resume();
      return errorReply(res, err, 400, { connection: 'close' });
    }
    const path = url.pathname;
    try {
      if (!hostAllowed(req)) {
        req.resume();
        const host = JSON.stringify(req.headers.host);
        return errorReply(res, new ApiError(`Host ${host} is not answered: without authentication this server answers only localhost, IP addresses and the names in allowed_hosts (a web page could otherwise reach it through DNS rebinding)`, 403), 403);
      }
      const endpoint = ENDPOINTS.get(path);
      if (endpoint) for (const [k, v] of Object.entries(cors.headers(req, scrapydMethods(endpoint.methods)))) res.setHeader(k, v);
      if (authorized && !authorized(req)) {
        req.resume();
        return errorReply(res, new ApiError('authentication required: send HTTP basic auth credentials', 401), 401, {
          'www-authenticate': 'Basic realm="tscrapy server", charset="UTF-8"',
        });
      }
      if (req.method === 'POST' && crossSite(req) && !cors.allows(req)) {
        req.resume();
        return errorReply(res, new ApiError('cross-site POST refused: the Origin does not match this server', 403), 403);
      }
      if (endpoint) {
        if (req.method === 'OPTIONS') {
          req.resume();
          res.writeHead(204, { allow: scrapydMethods(endpoint.methods) });
          res.end();
          return;
        }
        const method = req.method === 'HEAD' ? 'GET' : req.method;
        if (!endpoint.methods.includes(method as 'GET')) {
          req.resume();
          // Scrapyd answers a wrong method like any other error: 200 unless error_status_codes
          return errorReply(res, new ApiError(`${path.slice(1)} accepts ${endpoint.methods.join(' or ')}, not ${req.method}`, 405), undefined, { allow: scrapydMethods(endpoint.methods) });
        }
        const params = await readParams(req, url, endpoint.bundleField ? { ...limits, bundleField: endpoint.bundleField } : limits);
        const data = await endpoint.handle(ctx, params);
        return sendJson(res, 200, { node_name: config.node_name, status: 'ok', ...data });
      }
      const listing = /^\/(logs|items)(?:\/((?:[^/]+\/)*))?$/.exec(path);
      if (listing && (req.method === 'GET' || req.method === 'HEAD')) {
        req.resume();
        if (listing[2] === undefined) {
          res.writeHead(302, { location: `${path}/` }); // Twisted's static.File adds the slash the same way
          res.end();
          return;
        }
        if (await serveListing(ctx, req, res, listing[1] as 'logs' | 'items', listing[2].split('/').slice(0, -1))) return;
      }
      const files = /^\/(logs|items)\/(.+)$/.exec(path);
      if (files && (req.method === 'GET' || req.method === 'HEAD')) {
        return await serveJobFile(ctx, req, res, files[1] as 'logs' | 'items', files[2]!.split('/'), url);
      }
      if (await handleUi(ctx, req, res, url, () => readParams(req, url, limits))) return;
      req.resume();
      return errorReply(res, new ApiError(`no such resource: ${path} (the API is ${[...ENDPOINTS.keys()].join(', ')})`, 404), 404);
    } catch (err) {
      if (!(err instanceof ApiError)) log(`Error handling ${req.method} ${path}: ${(err as Error)?.stack ?? String(err)}`);
      if (err instanceof ApiError && err.httpStatus === 413) res.setHeader('connection', 'close');
      errorReply(res, err);
    }
  };

  return (req, res) => {
    // A write to a socket the client already closed must not become an uncaught 'error'.
    res.on('error', () => res.destroy());
    handle(req, res).catch((err: unknown) => {
      // Last resort: whatever went wrong, this request ends and the server stays up.
      log(`Error handling ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      try {
        if (res.headersSent) res.destroy();
        else {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
          res.end('internal error\n');
        }
      } catch {
        res.destroy();
      }
    });
  };
}
