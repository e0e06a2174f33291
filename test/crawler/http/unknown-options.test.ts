import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { FormRequest } from '../../../src/crawler/http/form-request.js';
import { JsonRequest } from '../../../src/crawler/http/json-request.js';
import { Request, type RequestOptions } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';
import { LinkExtractor, type LinkExtractorOptions } from '../../../src/crawler/link-extractor.js';
import { Rule, type RuleOptions } from '../../../src/spiders/crawl-spider.js';

const PAGE = `<html><body>
<form id="search" action="/search"><input name="q" value="a"></form>
<form id="login" action="/login" method="post"><input name="user" value="u"></form>
</body></html>`;
const response = () => new Response({ url: 'https://shop.test/', request: new Request('https://shop.test/'), headers: { 'content-type': 'text/html' }, body: Buffer.from(PAGE) });

const unknown = (name: string, hint?: string) => (e: unknown) =>
  e instanceof InvalidArgumentError && e.message.includes(`unknown option "${name}"`) && (hint === undefined || e.message.includes(`did you mean "${hint}"`));

describe('unknown request options are errors, not silently ignored', () => {
  it('FormRequest.fromResponse rejects an option it does not know, naming it and the valid ones', () => {
    assert.throws(() => FormRequest.fromResponse(response(), { formid: 'login' } as never), unknown('formid', 'formId'));
    assert.throws(() => FormRequest.fromResponse(response(), { dont_click: true } as never), unknown('dont_click', 'dontClick'));
    assert.throws(() => FormRequest.fromResponse(response(), { formSelector: '#login' } as never), (e: Error) => unknown('formSelector')(e) && /Valid options: .*formCss/.test(e.message));
    assert.equal(FormRequest.fromResponse(response(), { formId: 'login' }).url, 'https://shop.test/login');
  });

  it('Request, JsonRequest, FormRequest and replace() reject Scrapy spellings with the tscrapy name', () => {
    assert.throws(() => new Request('https://a.test/', { dont_filter: true } as RequestOptions), unknown('dont_filter', 'dontFilter'));
    assert.throws(() => new Request('https://a.test/', { cb_kwargs: {} } as RequestOptions), unknown('cb_kwargs', 'cbKwargs'));
    assert.throws(() => new JsonRequest('https://a.test/', { data: {}, dumps_kwargs: {} } as RequestOptions), unknown('dumps_kwargs'));
    assert.throws(() => new FormRequest('https://a.test/', { form_data: {} } as RequestOptions), unknown('form_data'));
    assert.throws(() => new Request('https://a.test/').replace({ metaa: {} } as RequestOptions), unknown('metaa'));
    assert.equal(new Request('https://a.test/').replace({ url: 'https://b.test/', priority: 2 }).url, 'https://b.test/');
  });

  it('LinkExtractor and Rule reject options they do not know (restrict_css, cb_kwargs) with the tscrapy name', () => {
    assert.throws(() => new LinkExtractor({ restrict_css: '.nav' } as LinkExtractorOptions), unknown('restrict_css', 'restrictCss'));
    assert.throws(() => new LinkExtractor({ allowed: /x/ } as LinkExtractorOptions), unknown('allowed'));
    assert.throws(() => new Rule(new LinkExtractor(), { cb_kwargs: {} } as RuleOptions), unknown('cb_kwargs', 'cbKwargs'));
    assert.equal(new Rule(new LinkExtractor({ restrictCss: '.nav' }), { follow: true }).follow, true);
  });
});
