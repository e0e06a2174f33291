import type { Element } from 'domhandler';
import { InvalidArgumentError } from '../errors.js';
import { collectFormFields, findClickable, findForm } from './form-fields.js';
import { REQUEST_KINDS, Request, checkOptionNames, optionNames, type RequestOptions } from './request.js';
import type { Response } from './response.js';

/** Form fields: name → value (an array repeats the name; null/undefined leaves it out) or [name, value] pairs. */
export type FormFields =
  | Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>
  | Iterable<readonly [string, string]>;

/** Options of a FormRequest: a Request's, plus the form fields. */
export interface FormRequestOptions extends RequestOptions {
  /** URL-encoded into the body for POST (the default when given), or into the query for GET. */
  formdata?: FormFields;
}

/** Options of FormRequest.fromResponse: which form of the page to submit, and the fields to set. */
export interface FromResponseOptions extends FormRequestOptions {
  /** Use the form whose `name` attribute is this. */
  formName?: string;
  /** Use the form whose `id` attribute is this. */
  formId?: string;
  /** Use the first form matching this CSS query (or containing the first match). Wins over `formXpath`, as in Scrapy. */
  formCss?: string;
  /** Use the first form matching this XPath query (or containing the first match): Scrapy's `formxpath`. */
  formXpath?: string;
  /** Use the n-th form (from 0) when the above do not pick one. @default 0 */
  formNumber?: number;
  /**
   * Which submit control is "clicked": attributes it must have (e.g. `{ name: 'go' }`), or
   * `{ nr: 1 }` for the second submit control. Default: the first one.
   */
  clickdata?: Record<string, string | number>;
  /** Submit without any clicked control. @default false */
  dontClick?: boolean;
  /** Override the form's action (resolved against the response). */
  url?: string;
}

/**
 * A request that submits form data (Scrapy's FormRequest): `formdata` becomes an
 * `application/x-www-form-urlencoded` body for POST, or the query string for GET.
 */
export class FormRequest extends Request {
  constructor(url: string, options: FormRequestOptions = {}) {
    const { formdata, ...rest } = options;
    const pairs = formdata === undefined ? [] : formPairs(formdata);
    if (pairs.length === 0) {
      super(url, rest);
      return;
    }
    const method = (rest.method ?? 'POST').toUpperCase();
    const encoded = new URLSearchParams(pairs).toString();
    if (method === 'POST') {
      super(url, { ...rest, method, body: encoded });
      this.headers.setDefault('Content-Type', 'application/x-www-form-urlencoded');
    } else {
      // As browsers and Scrapy do for GET forms: the fields replace the action's query.
      super(withQuery(url, encoded), { ...rest, method });
    }
  }

  /**
   * A request that submits a form found in `response`, with its fields pre-filled as a browser
   * would send them (text inputs, textareas, selected options, checked boxes and radios, the
   * clicked submit button), `formdata` overriding them (null removes a field).
   * @throws InvalidArgumentError when there is no such form or clickdata matches no control.
   */
  static fromResponse(response: Response, options: FromResponseOptions = {}): FormRequest {
    checkOptionNames('FormRequest.fromResponse', options, FROM_RESPONSE_OPTIONS);
    const { formName, formId, formCss, formXpath, formNumber, clickdata, dontClick, url, formdata, ...rest } = options;
    const form = findForm(response, { formName, formId, formCss, formXpath, formNumber });
    const overrides = formdata === undefined ? [] : formPairsKeepingNulls(formdata);
    const overridden = new Set(overrides.map(([k]) => k));
    const pairs: [string, string][] = collectFormFields(form).filter(([k]) => !overridden.has(k));
    if (!dontClick) {
      const clicked = findClickable(form, clickdata, response.url);
      if (clicked && clicked[0] !== null && !overridden.has(clicked[0])) pairs.push([clicked[0], clicked[1]]);
    }
    for (const [k, v] of overrides) if (v !== null) pairs.push([k, v]);

    let method = (rest.method ?? form.attribs['method'] ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') method = 'GET';
    const action = url ?? formAction(form);
    const target = action === null ? response.baseUrl : response.urljoin(action);
    return new this(target, { ...rest, method, formdata: pairs });
  }
}

const FROM_RESPONSE_OPTIONS = optionNames<FromResponseOptions>({
  formName: true, formId: true, formCss: true, formXpath: true, formNumber: true, clickdata: true, dontClick: true, url: true, formdata: true,
  method: true, headers: true, body: true, cookies: true, meta: true, priority: true, dontFilter: true, callback: true, errback: true, cbKwargs: true, flags: true,
});

function formAction(form: Element): string | null {
  const a = form.attribs['action'];
  return typeof a === 'string' ? a.trim() : null;
}

function withQuery(url: string, query: string): string {
  try {
    const u = new URL(url);
    u.search = query;
    return u.href;
  } catch {
    return url; // Request's own check reports the bad URL
  }
}

/** Form data as [name, value] pairs; null/undefined values dropped. */
export function formPairs(data: FormFields): [string, string][] {
  return formPairsKeepingNulls(data).filter((p): p is [string, string] => p[1] !== null);
}

function formPairsKeepingNulls(data: FormFields): [string, string | null][] {
  const out: [string, string | null][] = [];
  if (Symbol.iterator in data) {
    for (const pair of data as Iterable<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new InvalidArgumentError(`formdata pairs must be [name, value], got ${JSON.stringify(pair)}`);
      }
      out.push([String(pair[0]), pair[1] == null ? null : String(pair[1])]);
    }
    return out;
  }
  for (const [k, v] of Object.entries(data)) {
    if (v === null || v === undefined) out.push([k, null]);
    else if (Array.isArray(v)) for (const x of v) out.push([k, String(x)]);
    else out.push([k, String(v)]);
  }
  return out;
}

REQUEST_KINDS.set('FormRequest', FormRequest);
