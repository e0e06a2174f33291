import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InsertionMode, Token, Tokenizer, TokenizerMode, type TokenHandler } from 'parse5';
import { checkTextRuns, textRuns, TextRunTokenizer } from '../../src/selector/html-parser.js';
import { assertParsedAsStock, demoShopPages, randomDocument, TEXT_PIECES, TRICKY } from '../support/html-corpus.js';
import { seeded } from '../support/seeded.js';

const { CHARACTER, WHITESPACE_CHARACTER } = Token.TokenType;

/** The documents the fast path is checked on, by label. */
function corpus(): [string, string][] {
  const random = seeded(21);
  const docs: [string, string][] = Object.entries(TRICKY);
  for (let i = 0; i < 400; i++) docs.push([`text-run document ${i}`, randomDocument(random, TEXT_PIECES, 80)]);
  return docs;
}

/** What tree construction would switch the tokenizer to after a start tag (the tokenizer alone stays in the data state). */
const TEXT_STATES: Record<string, number> = {
  title: TokenizerMode.RCDATA,
  textarea: TokenizerMode.RCDATA,
  style: TokenizerMode.RAWTEXT,
  xmp: TokenizerMode.RAWTEXT,
  iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT,
  noframes: TokenizerMode.RAWTEXT,
  script: TokenizerMode.SCRIPT_DATA,
  plaintext: TokenizerMode.PLAINTEXT,
};

/**
 * Tokenises `html` with `Tokenizer` (parse5's or the fast one) and source locations on, and
 * returns every token as emitted. The handler stands in for the parser: `insertionMode` is what
 * the fast path reads to decide whether runs may merge.
 */
function tokens(Kind: typeof Tokenizer, html: string, insertionMode: InsertionMode): unknown[] {
  const out: unknown[] = [];
  let tokenizer: Tokenizer;
  const record = (token: object) => out.push(structuredClone(token));
  const handler: TokenHandler & { insertionMode: InsertionMode; skipNextNewLine: boolean } = {
    insertionMode,
    skipNextNewLine: false,
    onComment: record,
    onDoctype: record,
    onEndTag: record,
    onEof: record,
    onCharacter: record,
    onNullCharacter: record,
    onWhitespaceCharacter: record,
    onStartTag(token) {
      record(token);
      const state = TEXT_STATES[token.tagName];
      if (state !== undefined && !token.selfClosing) tokenizer.state = state;
    },
  };
  tokenizer = new Kind({ sourceCodeLocationInfo: true }, handler);
  tokenizer.write(html, true);
  return out;
}

/** Adjacent character and whitespace tokens as one text (with no location: a merged token spans several). */
function coalesced(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const t of list as { type: number; chars?: string }[]) {
    const last = out.at(-1) as { text?: string } | undefined;
    if (t.type === CHARACTER || t.type === WHITESPACE_CHARACTER) {
      if (last?.text !== undefined) last.text += t.chars;
      else out.push({ text: t.chars });
    } else {
      out.push(t);
    }
  }
  return out;
}

/** Replaces `name` on TextRunTokenizer's prototype while `run` runs: a deliberately broken fast path. */
function withBroken(name: string, impl: (this: Record<string, unknown>, original: (...args: unknown[]) => unknown, ...args: unknown[]) => unknown, run: () => void): void {
  const proto = TextRunTokenizer.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = proto[name]!;
  proto[name] = function (this: Record<string, unknown>, ...args: unknown[]) {
    return impl.call(this, original.bind(this), ...args);
  };
  try {
    run();
  } finally {
    proto[name] = original;
  }
}

/** Asserts that the equality checks notice the broken fast path somewhere on the corpus and the shop's pages, and that the start-up check does. */
function assertNoticed(): void {
  const pages = demoShopPages(20).map(({ path, html }): [string, string] => [path, html]);
  assert.throws(() => {
    for (const [label, html] of [...corpus(), ...pages]) assertParsedAsStock(html, label);
  }, assert.AssertionError);
  assert.match(String(checkTextRuns()), /differs from parse5's own/);
}

describe('parse5 with the text fast path (html-parser.ts)', { timeout: 240_000 }, () => {
  it('is on with the parse5 this project pins', () => {
    const { active, problem } = textRuns();
    assert.equal(problem, null, `the fast path is off: ${problem} (a parse5 upgrade changed what it relies on: see src/selector/html-parser.ts)`);
    assert.equal(active, true);
    assert.equal(checkTextRuns(), null);
  });

  it('emits the same tokens at the same source locations as parse5 where runs do not merge', () => {
    for (const [label, html] of corpus()) {
      assert.deepStrictEqual(tokens(TextRunTokenizer, html, InsertionMode.IN_TABLE), tokens(Tokenizer, html, InsertionMode.IN_TABLE), label);
    }
  });

  it('emits the same text, tags, comments and their source locations as parse5 where runs merge', () => {
    for (const [label, html] of corpus()) {
      const fast = tokens(TextRunTokenizer, html, InsertionMode.IN_BODY);
      const stock = tokens(Tokenizer, html, InsertionMode.IN_BODY);
      assert.deepStrictEqual(coalesced(fast), coalesced(stock), label);
      // Merging is what the fast path is for: the product pages' paragraphs are one token each.
      if (label.startsWith('text-run')) assert.ok(fast.length <= stock.length, label);
    }
    const page = demoShopPages(1).at(-1)!.html;
    assert.ok(tokens(TextRunTokenizer, page, InsertionMode.IN_BODY).length * 3 < tokens(Tokenizer, page, InsertionMode.IN_BODY).length);
  });

  describe('a deliberately broken fast path fails the equality checks', () => {
    it('merging runs in every insertion mode (whitespace before <head> or after it, in column groups…)', () => {
      withBroken('mayMerge', () => true, assertNoticed);
    });

    it('merging a leading newline after <pre>, <listing> or <textarea> into text', () => {
      withBroken(
        'mayMerge',
        function (original) {
          const parser = this.handler as { skipNextNewLine: boolean };
          const skip = parser.skipNextNewLine;
          parser.skipNextNewLine = false;
          try {
            return original();
          } finally {
            parser.skipNextNewLine = skip;
          }
        },
        assertNoticed,
      );
    });

    it('reading character references in RCDATA (<title>, <textarea>) as text', () => {
      withBroken(
        '_stateRcdata',
        function (_original, cp) {
          // The ends of RAWTEXT's runs: `&` does not end one.
          const ends = { lt: true, amp: false, any: /[\0\r<\ud800-\udfff]/g, words: /[\0\r<\t\n\f \ud800-\udfff]/g };
          if (!(this.readRun as (cp: unknown, ends: object) => boolean)(cp, ends)) {
            (Tokenizer.prototype as unknown as { _stateRcdata(cp: unknown): void })._stateRcdata.call(this, cp);
          }
        },
        assertNoticed,
      );
    });
  });
});
