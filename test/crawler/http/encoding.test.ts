import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  charsetFromContentType,
  declaredEncodingLabel,
  detectEncoding,
  isTextBody,
  markupType,
  resolveEncoding,
} from '../../../src/crawler/http/encoding.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';

const req = new Request('https://shop.test/p');
const res = (body: Uint8Array | string, contentType?: string, extra: { encoding?: string } = {}) =>
  new Response({
    url: req.url,
    request: req,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    headers: contentType ? { 'Content-Type': contentType } : {},
    ...extra,
  });

// "café €" in windows-1252: é = 0xE9, € = 0x80.
const CP1252 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]);
// "日本語" in Shift_JIS.
const SJIS = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]);

describe('encoding labels', () => {
  it('resolves WHATWG labels, with latin1/iso-8859-1/ascii meaning windows-1252', () => {
    assert.equal(resolveEncoding('ISO-8859-1'), 'windows-1252');
    assert.equal(resolveEncoding('latin1'), 'windows-1252');
    assert.equal(resolveEncoding('us-ascii'), 'windows-1252');
    assert.equal(resolveEncoding(' UTF8 '), 'utf-8');
    assert.equal(resolveEncoding('Shift_JIS'), 'shift_jis');
    assert.equal(resolveEncoding('cp932'), 'shift_jis');
    assert.equal(resolveEncoding('no-such-charset'), null);
    assert.equal(resolveEncoding('iso-2022-kr'), null, 'the "replacement" encoding is treated as unknown');
  });
  it('parses the Content-Type charset parameter, quoted or not', () => {
    assert.equal(charsetFromContentType('text/html; charset=ISO-8859-1'), 'ISO-8859-1');
    assert.equal(charsetFromContentType('text/html;charset="utf-8"; foo=bar'), 'utf-8');
    assert.equal(charsetFromContentType('text/html'), null);
    assert.equal(charsetFromContentType(null), null);
  });
  it('finds <meta charset>, <meta http-equiv> and the XML declaration in the first 4 KB only', () => {
    assert.equal(declaredEncodingLabel(Buffer.from('<html><head><meta charset="windows-1251">')), 'windows-1251');
    assert.equal(
      declaredEncodingLabel(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')),
      'Shift_JIS',
    );
    assert.equal(declaredEncodingLabel(Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><r/>')), 'ISO-8859-2');
    assert.equal(declaredEncodingLabel(Buffer.from(' '.repeat(5000) + '<meta charset="koi8-r">')), null);
  });
});

describe('detection precedence', () => {
  it('BOM beats the header, the header beats <meta>, <meta> beats the default', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<meta charset="shift_jis">é')]);
    assert.deepEqual(detectEncoding(bom, 'text/html; charset=windows-1252'), { encoding: 'utf-8', source: 'bom' });
    const meta = Buffer.from('<meta charset="shift_jis">');
    assert.deepEqual(detectEncoding(meta, 'text/html; charset=windows-1252'), { encoding: 'windows-1252', source: 'header' });
    assert.deepEqual(detectEncoding(meta, 'text/html'), { encoding: 'shift_jis', source: 'meta' });
    assert.deepEqual(detectEncoding(Buffer.from('<p>x'), 'text/html'), { encoding: 'utf-8', source: 'default' });
    assert.deepEqual(detectEncoding(meta, 'text/html; charset=utf-8', { explicit: 'koi8-r' }), { encoding: 'koi8-r', source: 'explicit' });
  });
  it('an unknown header charset falls through to <meta>, then utf-8', () => {
    assert.deepEqual(detectEncoding(Buffer.from('<meta charset="big5">'), 'text/html; charset=x-bogus'), { encoding: 'big5', source: 'meta' });
    assert.deepEqual(detectEncoding(Buffer.from('<p>'), 'text/html; charset=x-bogus'), { encoding: 'utf-8', source: 'default' });
  });
  it('a <meta> claiming UTF-16 means utf-8 (WHATWG)', () => {
    assert.equal(detectEncoding(Buffer.from('<meta charset="utf-16">'), null).encoding, 'utf-8');
  });
});

describe('Response.text', () => {
  it('decodes cp1252 declared as iso-8859-1 (browser behaviour: € at 0x80)', () => {
    const r = res(CP1252, 'text/html; charset=iso-8859-1');
    assert.equal(r.text, 'café €');
    assert.equal(r.encoding, 'windows-1252');
    assert.equal(r.encodingSource, 'header');
  });
  it('decodes Shift_JIS from <meta http-equiv>', () => {
    const body = Buffer.concat([Buffer.from('<meta http-equiv="content-type" content="text/html; charset=shift_jis"><p>'), SJIS]);
    const r = res(body, 'text/html');
    assert.equal(r.encoding, 'shift_jis');
    assert.equal(r.css('p::text').get(), '日本語');
  });
  it('UTF-16 with a BOM, the BOM not part of the text', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>ü</p>', 'utf16le')]);
    const r = res(body, 'text/html; charset=iso-8859-1');
    assert.equal(r.text, '<p>ü</p>');
    assert.equal(r.css('p::text').get(), 'ü');
  });
  it('a wrong declared charset never throws: bad bytes become U+FFFD', () => {
    const r = res(CP1252, 'text/html; charset=utf-8');
    assert.equal(r.text, 'caf\ufffd \ufffd');
    assert.equal(res(Buffer.from([0xff, 0xfe, 0xfd]), 'text/html; charset=shift_jis').text.length > 0, true);
  });
  it('an explicit encoding wins and survives replace()', () => {
    const r = res(CP1252, 'text/html; charset=utf-8', { encoding: 'cp1252' });
    assert.equal(r.text, 'café €');
    assert.equal(r.replace({ status: 201 }).text, 'café €');
  });
  it('text of a binary body still decodes; empty bodies are ""', () => {
    assert.equal(typeof res(Buffer.from([0, 1, 2, 255]), 'image/png').text, 'string');
    assert.equal(res(new Uint8Array(0), 'text/html').text, '');
  });
});

describe('text or binary, html or xml', () => {
  it('classifies by Content-Type, else by sniffing', () => {
    assert.equal(isTextBody(Buffer.from('x'), 'text/html; charset=utf-8'), true);
    assert.equal(isTextBody(Buffer.from('{}'), 'application/json'), true);
    assert.equal(isTextBody(Buffer.from('{}'), 'application/ld+json'), true);
    assert.equal(isTextBody(Buffer.from('<svg/>'), 'image/svg+xml'), true);
    assert.equal(isTextBody(Buffer.from('GIF89a'), 'image/gif'), false);
    assert.equal(isTextBody(Buffer.from('%PDF'), 'application/pdf'), false);
    assert.equal(isTextBody(Buffer.from('<html>'), 'application/octet-stream'), true);
    assert.equal(isTextBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), undefined), false);
    assert.equal(isTextBody(Buffer.from('<p>hello</p>'), undefined), true);
  });
  it('picks XML for XML media types and for an undeclared body starting with <?xml', () => {
    assert.equal(markupType(Buffer.from('<rss/>'), 'application/rss+xml'), 'xml');
    assert.equal(markupType(Buffer.from('<urlset/>'), 'text/xml; charset=utf-8'), 'xml');
    assert.equal(markupType(Buffer.from('<html/>'), 'application/xhtml+xml'), 'html');
    assert.equal(markupType(Buffer.from('<?xml version="1.0"?><urlset/>'), undefined), 'xml');
    assert.equal(markupType(Buffer.from('<?xml version="1.0"?><html><body/></html>'), undefined), 'html');
    assert.equal(markupType(Buffer.from('<p>'), 'text/html'), 'html');
  });
});
