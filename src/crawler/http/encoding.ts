/**
 * Finding a response body's character encoding and decoding it, the way browsers and Scrapy
 * do: a byte-order mark wins, then the Content-Type charset, then a `<meta>` (or XML
 * declaration) near the top, then UTF-8. Labels resolve through WHATWG's table (Node's
 * TextDecoder with full ICU), so `iso-8859-1`, `latin1` and `ascii` mean windows-1252.
 */
import { TextDecoder } from 'node:util';

/** Where the encoding came from. */
export type EncodingSource = 'explicit' | 'bom' | 'header' | 'meta' | 'default';

export interface DetectedEncoding {
  /** The WHATWG name, e.g. 'utf-8', 'windows-1252', 'shift_jis'. */
  encoding: string;
  source: EncodingSource;
}

/** How far into the body `<meta charset>` is looked for (WHATWG says 1024; servers are sloppier). */
export const META_SNIFF_BYTES = 4096;

// Names seen in the wild that the WHATWG table lacks (Python codec names, Microsoft code pages).
const ALIASES: Record<string, string> = {
  'latin-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  'windows-31j': 'shift_jis',
  cp936: 'gbk',
  cp949: 'euc-kr',
  ms949: 'euc-kr',
  cp950: 'big5',
  utf_8: 'utf-8',
};

const resolved = new Map<string, string | null>();
const RESOLVED_LIMIT = 256;

/**
 * The WHATWG name for an encoding label, or null when the label is unknown or names an
 * encoding that cannot be decoded (WHATWG's "replacement" family).
 */
export function resolveEncoding(label: string): string | null {
  const key = label.trim().toLowerCase();
  let name = resolved.get(key);
  if (name !== undefined) return name;
  try {
    name = new TextDecoder(ALIASES[key] ?? key).encoding;
  } catch {
    name = null;
  }
  // Labels come from the network: bound the cache so junk cannot grow it.
  if (resolved.size < RESOLVED_LIMIT) resolved.set(key, name);
  return name;
}

/** The `charset` parameter of a Content-Type value, unquoted, or null. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;]+))/i.exec(contentType);
  if (!m) return null;
  const v = (m[1] ?? m[2] ?? m[3] ?? '').trim();
  return v || null;
}

/** The encoding a byte-order mark announces, and the mark's length; null without one. */
export function bomEncoding(body: Uint8Array): string | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body.length >= 2) {
    if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
    if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  }
  return null;
}

const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]+)/i;
const XML_DECL = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([a-z0-9_:.+-]+)["']/i;

/**
 * The label the document declares in its first bytes: `<meta charset>`, `<meta http-equiv=
 * "Content-Type" content="…; charset=…">`, or an XML declaration's `encoding`. Null when none.
 */
export function declaredEncodingLabel(body: Uint8Array): string | null {
  const n = Math.min(body.length, META_SNIFF_BYTES);
  if (n === 0) return null;
  // latin1 maps bytes 1:1 to chars: ASCII markup reads the same whatever the real encoding.
  const head = Buffer.from(body.buffer, body.byteOffset, n).toString('latin1');
  const xml = XML_DECL.exec(head);
  if (xml) return xml[1]!;
  const meta = META_CHARSET.exec(head);
  return meta ? meta[1]! : null;
}

/**
 * Works out the body's encoding. Precedence: an explicit encoding, the BOM (authoritative
 * in WHATWG and Scrapy), the Content-Type charset, the in-document declaration, then
 * `defaultEncoding`. Unknown labels are skipped, never fatal.
 */
export function detectEncoding(
  body: Uint8Array,
  contentType: string | null | undefined,
  options: { explicit?: string | undefined; defaultEncoding?: string } = {},
): DetectedEncoding {
  if (options.explicit) {
    const e = resolveEncoding(options.explicit);
    if (e) return { encoding: e, source: 'explicit' };
  }
  const bom = bomEncoding(body);
  if (bom) return { encoding: bom, source: 'bom' };
  const header = charsetFromContentType(contentType);
  if (header) {
    const e = resolveEncoding(header);
    if (e) return { encoding: e, source: 'header' };
  }
  const declared = declaredEncodingLabel(body);
  if (declared) {
    let e = resolveEncoding(declared);
    // A document cannot declare UTF-16 from inside itself (its ASCII markup was readable): WHATWG says utf-8.
    if (e === 'utf-16le' || e === 'utf-16be') e = 'utf-8';
    if (e) return { encoding: e, source: 'meta' };
  }
  return { encoding: resolveEncoding(options.defaultEncoding ?? 'utf-8') ?? 'utf-8', source: 'default' };
}

const decoders = new Map<string, TextDecoder>();

// windows-1252 bytes 0x80–0x9F (WHATWG index); undefined bytes map to the same C1 code point.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node 20's TextDecoder decodes windows-1252 as ISO-8859-1 (0x80 becomes U+0080, not €),
 * so smart quotes and euro signs on latin1-labelled pages would come out as control
 * characters. Probed once; when broken, latin1 plus the 0x80–0x9F table does it.
 */
const NATIVE_CP1252_OK = new TextDecoder('windows-1252').decode(new Uint8Array([0x80])) === '\u20ac';

function decodeWindows1252(body: Uint8Array): string {
  const s = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(s) ? s.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : s;
}

/**
 * Decodes `body` as `encoding` (a WHATWG name). Invalid bytes become U+FFFD, never an error;
 * a BOM matching the encoding is dropped.
 */
export function decodeBody(body: Uint8Array, encoding: string): string {
  if (body.length === 0) return '';
  if (encoding === 'windows-1252' && !NATIVE_CP1252_OK) return decodeWindows1252(body);
  let d = decoders.get(encoding);
  if (d === undefined) {
    d = new TextDecoder(encoding);
    decoders.set(encoding, d);
  }
  return d.decode(body);
}

/** The media type of a Content-Type value, lower-cased, without parameters ('' when absent). */
export function mediaType(contentType: string | null | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

const TEXT_TYPES = /^(?:text\/|application\/(?:json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|ecmascript|x-javascript|x-www-form-urlencoded|xhtml\+xml)$)/;
const BINARY_PREFIXES = /^(?:image\/(?!svg\+xml)|audio\/|video\/|font\/)/;

/** Control characters that never occur in text (Scrapy's binary sniffing set). */
function looksBinary(body: Uint8Array): boolean {
  const n = Math.min(body.length, 5000);
  for (let i = 0; i < n; i++) {
    const b = body[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return true;
  }
  return false;
}

/**
 * Whether a body is text (HTML, XML, JSON, …) rather than binary (an image, a PDF): by the
 * Content-Type when it says, else by sniffing the first bytes for control characters.
 */
export function isTextBody(body: Uint8Array, contentType: string | null | undefined): boolean {
  const type = mediaType(contentType);
  if (type && type !== 'application/octet-stream' && type !== 'binary/octet-stream') {
    if (TEXT_TYPES.test(type) || type === 'image/svg+xml') return true;
    if (BINARY_PREFIXES.test(type)) return false;
    if (type.startsWith('application/')) return false;
  }
  // UTF-16 has NUL bytes but a BOM says it is text.
  if (bomEncoding(body) !== null) return true;
  return !looksBinary(body);
}

/** Which Selector type suits a response: XML for XML media types (not XHTML) or an XML body without `<html`. */
export function markupType(body: Uint8Array, contentType: string | null | undefined): 'html' | 'xml' {
  const type = mediaType(contentType);
  if (type) {
    if (type === 'application/xhtml+xml') return 'html';
    if (type === 'text/xml' || type === 'application/xml' || type.endsWith('+xml')) return 'xml';
    if (type !== 'application/octet-stream' && type !== 'text/plain') return 'html';
  }
  const n = Math.min(body.length, 5000);
  const head = Buffer.from(body.buffer, body.byteOffset, n).toString('latin1');
  return /^\s*<\?xml/i.test(head) && !/<html[\s>]/i.test(head) ? 'xml' : 'html';
}
