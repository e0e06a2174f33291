import type { Element } from 'domhandler';
import { textContent, walkElements } from '../../selector/document.js';
import { InvalidArgumentError } from '../errors.js';
import type { Response } from './response.js';

/** How `FormRequest.fromResponse` picks the form, in Scrapy's order: name, id, css (else xpath), number. */
export interface FormPick {
  formName?: string | undefined;
  formId?: string | undefined;
  formCss?: string | undefined;
  formXpath?: string | undefined;
  formNumber?: number | undefined;
}

/** The `<form>` element chosen by `pick`. */
export function findForm(response: Response, pick: FormPick): Element {
  const forms = response.css('form');
  if (forms.length === 0) throw new InvalidArgumentError(`No <form> element found in ${response.url}`);
  const byAttr = (attr: string, value: string) => forms.find((f) => (f.root as Element).attribs[attr] === value);
  if (pick.formName !== undefined) {
    const f = byAttr('name', pick.formName);
    if (f) return f.root as Element;
  }
  if (pick.formId !== undefined) {
    const f = byAttr('id', pick.formId);
    if (f) return f.root as Element;
  }
  if (pick.formCss !== undefined || pick.formXpath !== undefined) {
    const byCss = pick.formCss !== undefined;
    const query = byCss ? pick.formCss! : pick.formXpath!;
    const first = (byCss ? response.css(query) : response.xpath(query)).find((s) => !s.isString);
    // The match may be a field inside the form: walk up to it.
    for (let el = first ? (first.root as Element) : null; el; el = el.parent as Element | null) {
      if (el.type === 'tag' && el.name === 'form') return el;
    }
    throw new InvalidArgumentError(`No <form> element found with ${byCss ? 'CSS' : 'XPath'} ${JSON.stringify(query)} in ${response.url}`);
  }
  const n = pick.formNumber ?? 0;
  const f = forms[n];
  if (!f) {
    throw new InvalidArgumentError(`Form number ${n} not found in ${response.url} (it has ${forms.length} form${forms.length === 1 ? '' : 's'})`);
  }
  return f.root as Element;
}

const NOT_FIELDS = new Set(['submit', 'image', 'reset']);

/**
 * The name/value pairs a browser-like submission of `form` sends before any click:
 * inputs (checkboxes and radios only when checked; value "on" when they have none),
 * textareas, and selects (the selected options; a single select without one sends its first
 * enabled option). Unnamed fields are left out. Like Scrapy, disabled fields are kept.
 */
export function collectFormFields(form: Element): [string, string][] {
  const out: [string, string][] = [];
  walkElements(form, (el) => {
    if (el === form) return;
    const name = el.attribs['name'];
    if (!name) return;
    if (el.name === 'input') {
      const type = (el.attribs['type'] ?? 'text').toLowerCase();
      if (NOT_FIELDS.has(type)) return;
      if (type === 'checkbox' || type === 'radio') {
        if (el.attribs['checked'] === undefined) return;
        out.push([name, el.attribs['value'] ?? 'on']);
        return;
      }
      out.push([name, el.attribs['value'] ?? '']);
    } else if (el.name === 'textarea') {
      out.push([name, textContent(el)]);
    } else if (el.name === 'select') {
      for (const v of selectValues(el)) out.push([name, v]);
    }
  });
  return out;
}

function selectValues(select: Element): string[] {
  const options: Element[] = [];
  walkElements(select, (el) => {
    if (el.name === 'option') options.push(el);
  });
  const value = (o: Element) => o.attribs['value'] ?? textContent(o).replace(/\s+/g, ' ').trim();
  if (select.attribs['multiple'] !== undefined) {
    return options.filter((o) => o.attribs['selected'] !== undefined).map(value);
  }
  // The last selected option wins, as in browsers and lxml; else the first enabled one.
  for (let i = options.length - 1; i >= 0; i--) if (options[i]!.attribs['selected'] !== undefined) return [value(options[i]!)];
  const first = options.find((o) => o.attribs['disabled'] === undefined);
  return first ? [value(first)] : [];
}

function isClickable(el: Element): boolean {
  const type = el.attribs['type']?.toLowerCase();
  if (el.name === 'input') return type === 'submit' || type === 'image';
  if (el.name === 'button') return type === undefined || type === 'submit';
  return false;
}

/**
 * The submit control that is "clicked", as [name, value]: the first one, or the one
 * `clickdata` describes (`nr`: its index among submit controls; other keys: attribute values).
 * Null when the form has no submit control.
 */
export function findClickable(
  form: Element,
  clickdata: Record<string, string | number> | undefined,
  url: string,
): [string | null, string] | null {
  const clickables: Element[] = [];
  walkElements(form, (el) => {
    if (isClickable(el)) clickables.push(el);
  });
  const pair = (el: Element): [string | null, string] => [el.attribs['name'] ?? null, el.attribs['value'] || ''];
  if (!clickdata) return clickables.length ? pair(clickables[0]!) : null;
  const { nr, ...attrs } = clickdata;
  if (nr !== undefined) {
    const el = clickables[Number(nr)];
    if (el) return pair(el);
  }
  const keys = Object.entries(attrs);
  if (keys.length === 0 && nr !== undefined) {
    throw new InvalidArgumentError(`No clickable element number ${nr} in the form of ${url} (it has ${clickables.length})`);
  }
  const found: Element[] = [];
  walkElements(form, (el) => {
    if (el !== form && keys.every(([k, v]) => el.attribs[k] === String(v))) found.push(el);
  });
  if (found.length === 1) return pair(found[0]!);
  if (found.length > 1) {
    throw new InvalidArgumentError(`Multiple elements match clickdata ${JSON.stringify(clickdata)} in the form of ${url}`);
  }
  throw new InvalidArgumentError(`No clickable element matches clickdata ${JSON.stringify(clickdata)} in the form of ${url}`);
}
