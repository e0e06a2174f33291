import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { FormRequest } from '../../../src/crawler/http/form-request.js';
import { JsonRequest } from '../../../src/crawler/http/json-request.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';

function page(body: string, url = 'https://shop.test/account/login'): Response {
  return new Response({ url, request: new Request(url), body: Buffer.from(body), headers: { 'content-type': 'text/html' } });
}

const spider = {
  parseResult() {},
  onError() {},
};

describe('FormRequest', () => {
  it('POSTs formdata urlencoded by default', () => {
    const r = new FormRequest('https://shop.test/search', { formdata: { q: 'red shoes', size: ['40', '41'], skip: null } });
    assert.equal(r.method, 'POST');
    assert.equal(r.text, 'q=red+shoes&size=40&size=41');
    assert.equal(r.headers.get('content-type'), 'application/x-www-form-urlencoded');
  });
  it('puts formdata in the query for GET, replacing the URL query', () => {
    const r = new FormRequest('https://shop.test/search?old=1#top', { method: 'get', formdata: [['q', 'a&b'], ['p', '2']] });
    assert.equal(r.method, 'GET');
    assert.equal(r.url, 'https://shop.test/search?q=a%26b&p=2#top');
    assert.equal(r.body, null);
  });
  it('without formdata is a plain request', () => {
    const r = new FormRequest('https://shop.test/');
    assert.equal(r.method, 'GET');
    assert.equal(r.body, null);
  });
  it('round-trips through toJSON/fromJSON as a FormRequest', () => {
    const r = new FormRequest('https://shop.test/s', { formdata: { q: 'x' }, callback: spider.parseResult, meta: { m: 1 } });
    const json = JSON.parse(JSON.stringify(r.toJSON(spider)));
    assert.equal(json.kind, 'FormRequest');
    const back = Request.fromJSON(json, spider);
    assert.ok(back instanceof FormRequest);
    assert.equal(back.url, r.url);
    assert.equal(back.method, 'POST');
    assert.equal(back.text, 'q=x');
    assert.equal(back.callback, spider.parseResult);
    assert.equal(back.headers.get('content-type'), 'application/x-www-form-urlencoded');
  });
});

describe('JsonRequest', () => {
  it('sends data as JSON with JSON headers and POST', () => {
    const r = new JsonRequest('https://api.test/q', { data: { q: 'shoes', page: 2 } });
    assert.equal(r.method, 'POST');
    assert.equal(r.text, '{"page": 2, "q": "shoes"}');
    assert.equal(r.headers.get('Content-Type'), 'application/json');
    assert.match(r.headers.get('Accept')!, /application\/json/);
  });
  it('keeps GET without data, an explicit method, and an explicit body over data', () => {
    assert.equal(new JsonRequest('https://api.test/').method, 'GET');
    assert.equal(new JsonRequest('https://api.test/', { data: [1], method: 'PUT' }).method, 'PUT');
    assert.equal(new JsonRequest('https://api.test/', { data: [1], body: 'raw' }).text, 'raw');
    assert.equal(new JsonRequest('https://api.test/', { headers: { 'content-type': 'application/vnd.x+json' } }).headers.get('content-type'), 'application/vnd.x+json');
  });
  it('replace({ data }) re-encodes the body', () => {
    const r = new JsonRequest('https://api.test/', { data: { page: 1 } }).replace({ data: { page: 2 } });
    assert.ok(r instanceof JsonRequest);
    assert.equal(r.text, '{"page": 2}');
  });
  it('names the URL when data cannot be JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.throws(() => new JsonRequest('https://api.test/c', { data: cyclic }), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('https://api.test/c'));
    assert.throws(() => new JsonRequest('https://api.test/c', { data: 10n }), InvalidArgumentError);
  });
  it('round-trips through toJSON/fromJSON', () => {
    const r = new JsonRequest('https://api.test/q', { data: { a: [1, 'é'] }, errback: spider.onError });
    const back = Request.fromJSON(JSON.parse(JSON.stringify(r.toJSON(spider))), spider);
    assert.ok(back instanceof JsonRequest);
    assert.equal(back.text, '{"a": [1, "\\u00e9"]}');
    assert.equal(back.method, 'POST');
    assert.equal(back.errback, spider.onError);
    assert.deepEqual(back.headers.getAll('content-type'), ['application/json']);
  });
});

const LOGIN = `<html><head><base href="https://shop.test/secure/"></head><body>
<form id="search" action="/search" method="get"><input name="q" value="default"><input type="submit" value="Go"></form>
<form name="login" id="login-form" action="do-login?x=1" method="post">
  <input type="hidden" name="csrf" value="tok123">
  <input name="user">
  <input type="password" name="pass" value="">
  <input type="checkbox" name="remember" checked>
  <input type="checkbox" name="newsletter" value="yes">
  <input type="radio" name="plan" value="free">
  <input type="radio" name="plan" value="pro" checked>
  <input name="">
  <input type="reset" name="reset" value="Reset">
  <input type="image" name="img" value="i">
  <textarea name="bio">
Hello
world</textarea>
  <select name="country"><option value="fr">France</option><option value="de" selected>Germany</option></select>
  <select name="lang"><option disabled>Pick</option><option>  English  </option><option>French</option></select>
  <select name="tags" multiple><option selected>a</option><option>b</option><option value="c" selected>C</option></select>
  <select name="empty"></select>
  <button name="action" value="login">Log in</button>
  <button type="submit" name="action" value="register">Register</button>
  <button type="button" name="noop" value="x">Noop</button>
</form>
<form id="noaction"><input name="a" value="1"></form>
</body></html>`;

function fields(r: Request): [string, string][] {
  const q = r.method === 'POST' ? r.text : new URL(r.url).search.slice(1);
  return [...new URLSearchParams(q)];
}

describe('FormRequest.fromResponse', () => {
  const res = page(LOGIN);

  it('picks the form by name, fills defaults like a browser, clicks the first submit control', () => {
    const r = FormRequest.fromResponse(res, { formName: 'login', formdata: { user: 'ann', pass: 's3cret' } });
    assert.equal(r.method, 'POST');
    assert.equal(r.url, 'https://shop.test/secure/do-login?x=1');
    assert.deepEqual(fields(r), [
      ['csrf', 'tok123'],
      ['remember', 'on'],
      ['plan', 'pro'],
      ['bio', 'Hello\nworld'],
      ['country', 'de'],
      ['lang', 'English'],
      ['tags', 'a'],
      ['tags', 'c'],
      ['img', 'i'], // the first submit control is the image input
      ['user', 'ann'],
      ['pass', 's3cret'],
    ]);
  });

  it('clickdata picks another submit control; dontClick sends none', () => {
    const byAttr = FormRequest.fromResponse(res, { formId: 'login-form', clickdata: { value: 'register' } });
    assert.deepEqual(fields(byAttr).filter(([k]) => k === 'action'), [['action', 'register']]);
    const byNr = FormRequest.fromResponse(res, { formId: 'login-form', clickdata: { nr: 1 } });
    assert.deepEqual(fields(byNr).filter(([k]) => k === 'action'), [['action', 'login']], 'nr 0 is the image input, nr 1 the first button');
    const none = FormRequest.fromResponse(res, { formId: 'login-form', dontClick: true });
    assert.equal(fields(none).some(([k]) => k === 'action' || k === 'img'), false);
    assert.throws(() => FormRequest.fromResponse(res, { formId: 'login-form', clickdata: { value: 'nope' } }), /No clickable element/);
    assert.throws(() => FormRequest.fromResponse(res, { formId: 'login-form', clickdata: { name: 'action' } }), /Multiple elements/);
  });

  it('formdata null removes a field; arrays repeat it', () => {
    const r = FormRequest.fromResponse(res, { formName: 'login', formdata: { csrf: null, tags: ['x', 'y'] }, dontClick: true });
    const f = fields(r);
    assert.equal(f.some(([k]) => k === 'csrf'), false);
    assert.deepEqual(f.filter(([k]) => k === 'tags'), [['tags', 'x'], ['tags', 'y']]);
  });

  it('the first form by default (GET into the query), formNumber, formCss from a field inside', () => {
    const first = FormRequest.fromResponse(res, { formdata: { q: 'boots' } });
    assert.equal(first.method, 'GET');
    assert.equal(first.url, 'https://shop.test/search?q=boots');
    const third = FormRequest.fromResponse(res, { formNumber: 2 });
    assert.equal(third.url, 'https://shop.test/secure/?a=1', 'no action: the base URL');
    const viaCss = FormRequest.fromResponse(res, { formCss: 'textarea[name=bio]', dontClick: true });
    assert.equal(viaCss.url, 'https://shop.test/secure/do-login?x=1');
  });

  it("formXpath (Scrapy's formxpath) picks the form of the first match, a field inside it too; formCss wins over it", () => {
    const viaXpath = FormRequest.fromResponse(res, { formXpath: '//textarea[@name="bio"]', dontClick: true });
    assert.equal(viaXpath.url, 'https://shop.test/secure/do-login?x=1');
    const third = FormRequest.fromResponse(res, { formXpath: '(//form)[3]' });
    assert.equal(third.url, 'https://shop.test/secure/?a=1');
    const both = FormRequest.fromResponse(res, { formCss: 'textarea[name=bio]', formXpath: '(//form)[3]', dontClick: true });
    assert.equal(both.url, 'https://shop.test/secure/do-login?x=1');
    assert.throws(() => FormRequest.fromResponse(res, { formXpath: "//form[@id='missing']" }), /No <form> element found with XPath "\/\/form\[@id='missing'\]"/);
    assert.throws(() => FormRequest.fromResponse(res, { formXpath: '//form[' }), /Invalid XPath/);
  });

  it('url and method overrides; unknown methods become GET', () => {
    const r = FormRequest.fromResponse(res, { formName: 'login', url: '/other', method: 'PUT', dontClick: true });
    assert.equal(r.url, 'https://shop.test/other?' + new URLSearchParams(fields(r)).toString());
    assert.equal(r.method, 'GET');
  });

  it('passes request options through', () => {
    const r = FormRequest.fromResponse(res, { formName: 'login', callback: 'afterLogin', meta: { step: 2 }, dontFilter: true });
    assert.equal(r.callback, 'afterLogin');
    assert.deepEqual(r.meta, { step: 2 });
    assert.equal(r.dontFilter, true);
  });

  it('clear errors when there is no such form', () => {
    assert.throws(() => FormRequest.fromResponse(page('<p>no forms</p>')), (e: unknown) => e instanceof InvalidArgumentError && /No <form> element found in https:\/\/shop.test/.test(e.message));
    assert.throws(() => FormRequest.fromResponse(res, { formNumber: 7 }), /Form number 7 not found .*3 forms/);
    assert.throws(() => FormRequest.fromResponse(res, { formCss: '#missing' }), /#missing/);
    assert.equal(FormRequest.fromResponse(res, { formName: 'nope' }).url, 'https://shop.test/search?q=default', 'an unknown name falls back to formNumber, as in Scrapy');
  });
});
