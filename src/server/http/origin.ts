import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ServerConfig } from '../config.js';

/** A config list (`allowed_hosts`, `allowed_origins`): names separated by commas or spaces. */
export function configList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** Host header → its name without port, brackets or trailing dot, lower-cased. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']')) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/**
 * Whether a request's Host may be answered. Without authentication, a web page on any site
 * could rebind its own name to 127.0.0.1 and deploy code (DNS rebinding), and the only
 * trace of that is the Host header: so only `localhost`, IP addresses (a page cannot rebind
 * those) and the names in `allowed_hosts` (`*` for any) are answered. With authentication
 * on, such a page has no credentials, and every Host is answered.
 */
export function makeHostCheck(config: ServerConfig): (req: IncomingMessage) => boolean {
  const authOn = config.username !== '' || config.password !== '';
  const allowed = new Set(configList(config.allowed_hosts).map((h) => hostName(h)));
  if (authOn || allowed.has('*')) return () => true;
  return (req) => {
    const host = req.headers.host;
    if (host === undefined) return true; // HTTP/1.0 tools; browsers always send Host
    const name = hostName(host);
    return name === 'localhost' || isIP(name) !== 0 || allowed.has(name);
  };
}

/**
 * CORS headers for a JSON API reply, shaped like Scrapyd's (the resource's own methods,
 * `X-Requested-With`), but only for an `Origin` listed in `allowed_origins` (`*` for any):
 * otherwise any web page could read the job list, with its arguments and settings.
 */
export function makeCors(config: ServerConfig): { allows(req: IncomingMessage): boolean; headers(req: IncomingMessage, methods: string): Record<string, string> } {
  const origins = new Set(configList(config.allowed_origins).map((o) => o.replace(/\/$/, '').toLowerCase()));
  const allows = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    return origin !== undefined && origin !== 'null' && (origins.has('*') || origins.has(origin.toLowerCase()));
  };
  return {
    allows,
    headers(req, methods): Record<string, string> {
      if (!allows(req)) return {};
      return {
        'access-control-allow-origin': origins.has('*') ? '*' : req.headers.origin!,
        'access-control-allow-methods': methods,
        'access-control-allow-headers': 'X-Requested-With',
        vary: 'Origin',
      };
    },
  };
}
