import type { BrowserContext, Cookie } from 'playwright-core';
import type { Request } from '../../../http/request.js';

/** name → value of the request's Cookie header (set by CookiesMiddleware from the crawl's jar). */
export function jarCookies(request: Request): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.get('Cookie');
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Puts the jar's cookies for the request into the browser context, so the page and its scripts and fetches see them. */
export async function addJarCookies(context: BrowserContext, request: Request, cookies: Map<string, string>): Promise<void> {
  if (cookies.size === 0) return;
  await context.addCookies([...cookies].map(([name, value]) => ({ name, value, url: request.url })));
}

/**
 * The browser's cookies for `url` that the jar does not hold yet (set by the page's answers or
 * its scripts), as Set-Cookie header values, so CookiesMiddleware stores them like any others.
 */
export async function newBrowserCookies(context: BrowserContext, url: string, sent: Map<string, string>): Promise<string[]> {
  const cookies = await context.cookies(url);
  return cookies.filter((c) => sent.get(c.name) !== c.value).map(setCookieHeader);
}

function setCookieHeader(c: Cookie): string {
  const parts = [`${c.name}=${c.value}`, `Path=${c.path}`];
  // A leading dot marks a domain cookie; without one the cookie belongs to its host only.
  if (c.domain.startsWith('.')) parts.push(`Domain=${c.domain.slice(1)}`);
  if (c.expires > 0) parts.push(`Expires=${new Date(c.expires * 1000).toUTCString()}`);
  if (c.secure) parts.push('Secure');
  if (c.httpOnly) parts.push('HttpOnly');
  if (c.sameSite) parts.push(`SameSite=${c.sameSite}`);
  return parts.join('; ');
}
