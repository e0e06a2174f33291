import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Selector } from '../../src/selector/selector.js';

/**
 * XPath conformance: every query of xpath-conformance/expected.json (results recorded from
 * parsel/lxml by generate.py) must give parsel's result, except the few listed in
 * divergences.json, where the HTML tree itself differs and tscrapy's result is written down.
 */
interface Case {
  doc: string;
  query: string;
  variables?: Record<string, string | number | boolean>;
  result?: string[];
  error?: string;
}
interface Corpus {
  source: string;
  namespaces: Record<string, Record<string, string>>;
  docs: Record<string, { type: 'html' | 'xml'; text: string }>;
  cases: Case[];
}
interface Divergence {
  doc: string;
  query: string;
  tscrapy: string[];
  why: string;
}

const dir = new URL('./xpath-conformance/', import.meta.url);
const corpus = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Corpus;
const divergences = (JSON.parse(readFileSync(new URL('divergences.json', dir), 'utf8')) as { cases: Divergence[] }).cases;
const diverging = new Map(divergences.map((d) => [`${d.doc}\n${d.query}`, d]));

describe(`XPath conformance with ${corpus.source}`, { timeout: 60_000 }, () => {
  it('has at least 200 queries, and every divergence names a query of the corpus', () => {
    assert.ok(corpus.cases.length >= 200, `only ${corpus.cases.length} cases`);
    const keys = new Set(corpus.cases.map((c) => `${c.doc}\n${c.query}`));
    for (const d of divergences) assert.ok(keys.has(`${d.doc}\n${d.query}`), `divergence for a query not in the corpus: ${d.query}`);
  });

  for (const [name, doc] of Object.entries(corpus.docs)) {
    it(`gives parsel's results on the "${name}" document (${doc.type})`, () => {
      const failures: string[] = [];
      for (const c of corpus.cases.filter((x) => x.doc === name)) {
        // A fresh selector per query: no query may depend on what an earlier one cached.
        const sel = new Selector({ text: doc.text, type: doc.type });
        const d = diverging.get(`${name}\n${c.query}`);
        let got: string[] | string;
        try {
          got = sel.xpath(c.query, c.variables, { namespaces: corpus.namespaces[name] }).getall();
        } catch (e) {
          got = `error: ${(e as Error).message}`;
        }
        const want = d ? d.tscrapy : (c.result ?? `error: ${c.error}`);
        if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.query}\n    want ${JSON.stringify(want)}\n    got  ${JSON.stringify(got)}`);
        if (d) assert.notDeepEqual(d.tscrapy, c.result, `divergence listed but tscrapy now matches parsel: ${c.query}`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
