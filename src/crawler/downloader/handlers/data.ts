import type { Request } from '../../http/request.js';
import { Response } from '../../http/response.js';
import { InvalidDataUrlError } from '../errors.js';
import type { DownloadHandler } from './types.js';

/**
 * `data:` URLs (RFC 2397), like Scrapy's DataURIDownloadHandler: base64 or percent-encoded
 * payload; the media type (default `text/plain;charset=US-ASCII`) becomes Content-Type.
 */
export class DataHandler implements DownloadHandler {
  async download(request: Request): Promise<Response> {
    const { mediaType, body } = parseDataUrl(request.url);
    return new Response({ url: request.url, status: 200, headers: { 'Content-Type': mediaType }, body, request });
  }
  async close(): Promise<void> {}
}

export function parseDataUrl(url: string): { mediaType: string; body: Buffer } {
  const comma = url.indexOf(',');
  if (!/^data:/i.test(url) || comma < 0) {
    throw new InvalidDataUrlError(`Invalid data: URL ${JSON.stringify(url.slice(0, 80))}: expected data:[<mediatype>][;base64],<data>`);
  }
  let header = url.slice(5, comma).trim();
  const payload = url.slice(comma + 1);
  let base64 = false;
  if (/;\s*base64$/i.test(header)) {
    base64 = true;
    header = header.replace(/;\s*base64$/i, '');
  }
  let mediaType = header === '' ? 'text/plain;charset=US-ASCII' : header.startsWith(';') ? `text/plain${header}` : header;
  mediaType = safeDecode(mediaType);
  let body: Buffer;
  if (base64) {
    const text = safeDecode(payload).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(text)) {
      throw new InvalidDataUrlError(`Invalid data: URL: the base64 payload has characters outside the base64 alphabet (${JSON.stringify(text.slice(0, 40))})`);
    }
    body = Buffer.from(text, 'base64');
  } else {
    body = percentDecodeBytes(payload);
  }
  return { mediaType, body };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Percent-decoding to bytes (not UTF-8 text): `%FF` stays the byte 0xFF. */
function percentDecodeBytes(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let j = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x25 && i + 2 < raw.length + 0 && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out[j++] = parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16);
      i += 2;
    } else out[j++] = c;
  }
  return out.subarray(0, j);
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}
