import {
  defaultTreeAdapter,
  InsertionMode,
  parse,
  Parser,
  serialize,
  Token,
  Tokenizer,
  type ParserOptions,
  type TreeAdapter,
  type TreeAdapterTypeMap,
} from 'parse5';

/*
 * parse5 with a fast path for text. Stock parse5 reads text one code point per turn of its
 * state machine and cuts it into a character token per word: it switches between CHARACTER and
 * WHITESPACE_CHARACTER tokens at every space, and each token goes through the tree builder
 * (onCharacter → insertText). On a product page that was ≈45% of a parse thread's time
 * (bench/README.md, session 6). Here, in the text states (data, RCDATA, RAWTEXT, script data,
 * PLAINTEXT), a run of ordinary characters is read in one step, and where the tree builder
 * treats character and whitespace tokens alike it becomes one token. Everything else (markup,
 * `&`, NUL, CR, surrogates, EOF) is left to parse5 itself, so the trees are parse5's.
 *
 * What it relies on, all of parse5 8.1 (checked before the first parse; when a check fails it
 * parses with stock parse5 and warns, and test/selector/html-parser.test.ts fails):
 * - a character token is emitted only when the next token starts or the token type changes,
 *   and the tree builder sees nothing in between: the insertion mode when a run is read is the
 *   one the pending token and the run will be processed in;
 * - in the insertion modes MERGED below, and in foreign content, a CHARACTER token does what a
 *   WHITESPACE_CHARACTER token does (reconstruct the active formatting elements, which is
 *   idempotent, and insert the text, which the tree adapters append to the last text node)
 *   plus `framesetOk = false`, which a run with a non-space character sets either way; except
 *   that a WHITESPACE_CHARACTER token drops a leading LF after `<pre>`, `<listing>` and
 *   `<textarea>` (the parser's `skipNextNewLine`): no merging then;
 * - the preprocessor state of having read a run code point by code point: `pos`, and for
 *   line feeds `isEol`, `line`, `lineStartPos` (runs stop before CR and surrogates, the only
 *   inputs that leave gaps or need look-ahead);
 * - the run of input text the tokenizer appends to the pending token (`runStart`/`runEnd`,
 *   `_extendRun`).
 */

const { CHARACTER, WHITESPACE_CHARACTER, NULL_CHARACTER } = Token.TokenType;

/**
 * Insertion modes in which parse5 8.1 handles a CHARACTER and a WHITESPACE_CHARACTER token alike
 * but for `framesetOk`: in body, caption, cell and template (`characterInBody` /
 * `whitespaceCharacterInBody`) and in text, select and select-in-table (`_insertCharacters`).
 * In the others text does what whitespace does not (it ends the initial, head and column-group
 * modes, is foster-parented out of tables, reopens the body after it…): there runs are read in
 * one step but cut into tokens where parse5 cuts them.
 */
const MERGED: readonly InsertionMode[] = [
  InsertionMode.IN_BODY,
  InsertionMode.IN_CAPTION,
  InsertionMode.IN_CELL,
  InsertionMode.IN_TEMPLATE,
  InsertionMode.TEXT,
  InsertionMode.IN_SELECT,
  InsertionMode.IN_SELECT_IN_TABLE,
];
const mergedModes = new Uint8Array(32);
for (const m of MERGED) mergedModes[m] = 1;

/** The private preprocessor fields a run moves past (see the note at the top). */
interface PreprocessorState {
  html: string;
  pos: number;
  isEol: boolean;
  line: number;
  lineStartPos: number;
}

const NUL = 0x00;
const AMPERSAND = 0x26;
const LESS_THAN = 0x3c;
const LINE_FEED = 0x0a;

/** A character the tokenizer emits as whitespace (CR never gets here: it ends a run). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === LINE_FEED || c === 0x09 || c === 0x0c;
}

/**
 * Where a text state's runs end: the characters parse5 reads itself there (`<`, `&`, NUL; CR,
 * which it turns into LF and drops after LF; surrogates, which it pairs), found by `any` (a
 * global regex, so that `lastIndex` says where it matched); `words` also stops at whitespace.
 */
interface RunEnds {
  lt: boolean;
  amp: boolean;
  any: RegExp;
  words: RegExp;
}
const DATA_ENDS: RunEnds = { lt: true, amp: true, any: /[\0\r<&\ud800-\udfff]/g, words: /[\0\r<&\t\n\f \ud800-\udfff]/g };
const RAWTEXT_ENDS: RunEnds = { lt: true, amp: false, any: /[\0\r<\ud800-\udfff]/g, words: /[\0\r<\t\n\f \ud800-\udfff]/g };
const PLAINTEXT_ENDS: RunEnds = { lt: false, amp: false, any: /[\0\r\ud800-\udfff]/g, words: /[\0\r\t\n\f \ud800-\udfff]/g };
/** The end of a run of whitespace: any other character. */
const NOT_SPACE = /[^\t\n\f ]/g;

/** Where `re` next matches in `s` at or after `from`, or `s.length`. */
function search(re: RegExp, s: string, from: number): number {
  re.lastIndex = from;
  return re.test(s) ? re.lastIndex - 1 : s.length;
}

/**
 * parse5's tokenizer with the text states reading a run of ordinary characters per step.
 * Exported for the tests, which break it on purpose to show that they notice.
 */
export class TextRunTokenizer extends Tokenizer {
  /**
   * Reads every code point through parse5's own states: the start-up check's reference. (Not a
   * second tokenizer class: stock parse5's code then meets two tokenizer shapes, which cost
   * 2–3% more instructions per page in a parse thread.)
   */
  perCodePoint = false;
  /** The next line feed in `#feedsIn` at or after the last run read (its length when none). */
  #nextFeed = -1;
  /** The input `#nextFeed` is for: parse5 drops the parsed part (and appends chunks when streaming). */
  #feedsIn = '';

  protected override _stateData(cp: number): void {
    if (!this.readRun(cp, DATA_ENDS)) super._stateData(cp);
  }

  protected override _stateRcdata(cp: number): void {
    if (!this.readRun(cp, DATA_ENDS)) super._stateRcdata(cp);
  }

  protected override _stateRawtext(cp: number): void {
    if (!this.readRun(cp, RAWTEXT_ENDS)) super._stateRawtext(cp);
  }

  protected override _stateScriptData(cp: number): void {
    if (!this.readRun(cp, RAWTEXT_ENDS)) super._stateScriptData(cp);
  }

  protected override _statePlaintext(cp: number): void {
    if (!this.readRun(cp, PLAINTEXT_ENDS)) super._statePlaintext(cp);
  }

  /** Whether the pending character token and the run may become one token (see MERGED). */
  protected mayMerge(): boolean {
    const parser = this.handler as Parser<TreeAdapterTypeMap>;
    return !parser.skipNextNewLine && (this.inForeignNode || mergedModes[parser.insertionMode] === 1);
  }

  /**
   * Emits the text that starts with `cp`, the code point just read, up to the next character
   * that parse5 must read itself (see RunEnds) or the end of the input, and leaves the
   * preprocessor on its last code point. Unless runs may merge, it stops where the text
   * switches between whitespace and other characters, as parse5's tokens do. Returns false,
   * having read nothing, when `cp` itself is for parse5.
   */
  protected readRun(cp: number, ends: RunEnds): boolean {
    if (this.perCodePoint) return false;
    const pre = this.preprocessor as unknown as PreprocessorState;
    let html = pre.html;
    let pos = pre.pos;
    // A CR is read as LF, a surrogate pair as one code point: then html[pos] is not cp.
    if (cp === NUL || (cp === LESS_THAN && ends.lt) || (cp === AMPERSAND && ends.amp) || html.charCodeAt(pos) !== cp || (cp & 0xf800) === 0xd800) {
      return false;
    }
    const merge = this.mayMerge();
    const space = isSpace(cp);
    let end: number;
    let text = !space;
    if (merge) {
      end = search(ends.any, html, pos + 1);
      if (space) text = search(NOT_SPACE, html, pos + 1) < end;
    } else {
      end = search(space ? NOT_SPACE : ends.words, html, pos + 1);
    }

    const type = text ? CHARACTER : WHITESPACE_CHARACTER;
    const token = this.currentCharacterToken;
    if (token === null || token.type === NULL_CHARACTER || (token.type !== type && !merge)) {
      // As parse5 does for the run's first code point: emit the pending token, start one of this type.
      this._ensureCharacterToken(type);
      // Emitting may have dropped the parsed part of the input: positions move with it.
      const dropped = pos - pre.pos;
      if (dropped !== 0) {
        pos -= dropped;
        end -= dropped;
        html = pre.html;
      }
    } else if (token.type !== type && type === CHARACTER) {
      token.type = CHARACTER;
    }
    this._extendRun(cp);
    this.runEnd = end;
    this.#movePreprocessor(pre, html, pos, end - 1);
    return true;
  }

  /**
   * Moves the preprocessor from `pos` to `last` as reading each code point in between would
   * (none is a CR or a surrogate): past each line feed, a line starts.
   */
  #movePreprocessor(pre: PreprocessorState, html: string, pos: number, last: number): void {
    if (this.#feedsIn !== html || this.#nextFeed < pos) {
      this.#feedsIn = html;
      this.#nextFeed = nextFeed(html, pos);
    }
    let next = this.#nextFeed;
    if (next < last) {
      let lastFeed: number;
      do {
        pre.line++;
        lastFeed = next;
        next = nextFeed(html, next + 1);
      } while (next < last);
      pre.lineStartPos = lastFeed + 1;
      this.#nextFeed = next;
    }
    pre.isEol = next === last;
    pre.pos = last;
  }
}

function nextFeed(html: string, from: number): number {
  const i = html.indexOf('\n', from);
  return i === -1 ? html.length : i;
}

/** parse5's Parser, reading text with TextRunTokenizer. */
class TextRunParser<T extends TreeAdapterTypeMap> extends Parser<T> {
  constructor(options?: ParserOptions<T>, document?: T['document'], fragmentContext?: T['element'] | null) {
    super(options, document, fragmentContext);
    const tokenizer = new TextRunTokenizer(this.options, this);
    // The constructor has already set up its tokenizer for the document or fragment context.
    tokenizer.inForeignNode = this.tokenizer.inForeignNode;
    this.tokenizer = tokenizer;
  }
}

/** Markup that takes every path of the fast path: parsed both ways before the first parse. */
const PROBE =
  '<!doctype html><html><head> <title>t\n &amp; x</title>\n<style>a < b { }</style></head> \n lead <B CLASS="k &amp; l" data-x=\'y\nz\' u=v&lt;w>bold <i>it</b> after</i>\n' +
  '<pre>\nkept\n</pre><textarea>\n\nt &lt; x</textarea><listing>\n l</listing><table> <tr> <td> cell text </td>x y</tr> </table>' +
  '<select> <option> a b </option> </select><template> in <p>template</p> </template>' +
  '<svg> <text> svg text </text></svg><math><mi> m i </mi></math>a\r\nb\rc\u0000d &copy e < f <3 😀 \ud800 x' +
  '<script> if (a < b) x = "y" </script>\u000c\t<plaintext> p < q &amp; r \u0000 s';

/**
 * Checks what the fast path relies on in the parse5 at hand, and parses a probe page with and
 * without it: null when all is as expected, else what is not (then `parseHtmlWith` parses
 * with stock parse5). Runs once, before the first parse.
 */
export function checkTextRuns(): string | null {
  if (typeof Parser?.parse !== 'function' || typeof Tokenizer?.prototype !== 'object') return 'parse5 no longer exports Parser and Tokenizer';
  for (const m of MERGED) if (typeof m !== 'number') return 'parse5 has no longer the insertion modes it merges text in';
  for (const t of [CHARACTER, WHITESPACE_CHARACTER, NULL_CHARACTER]) if (typeof t !== 'number') return 'parse5 has no longer the character token types';
  const proto = Tokenizer.prototype as unknown as Record<string, unknown>;
  for (const m of ['_stateData', '_stateRcdata', '_stateRawtext', '_stateScriptData', '_statePlaintext', '_ensureCharacterToken', '_extendRun', '_callState']) {
    if (typeof proto[m] !== 'function') return `parse5's Tokenizer has no ${m} method`;
  }
  const options = { treeAdapter: defaultTreeAdapter, scriptingEnabled: false };
  const parser = new TextRunParser(options);
  const tokenizer = parser.tokenizer as unknown as Record<string, unknown>;
  const pre = parser.tokenizer.preprocessor as unknown as Record<string, unknown>;
  const fields: [Record<string, unknown>, string, string][] = [
    [pre, 'html', 'string'],
    [pre, 'pos', 'number'],
    [pre, 'isEol', 'boolean'],
    [pre, 'line', 'number'],
    [pre, 'lineStartPos', 'number'],
    [tokenizer, 'runStart', 'number'],
    [tokenizer, 'runEnd', 'number'],
    [tokenizer, 'currentCharacterToken', 'object'],
    [parser as unknown as Record<string, unknown>, 'insertionMode', 'number'],
    [parser as unknown as Record<string, unknown>, 'skipNextNewLine', 'boolean'],
  ];
  for (const [obj, field, type] of fields) if (typeof obj[field] !== type) return `parse5's parser has no ${field} of type ${type}`;
  const reference = new TextRunParser(options);
  (reference.tokenizer as TextRunTokenizer).perCodePoint = true;
  reference.tokenizer.write(PROBE, true);
  if (serialize(TextRunParser.parse(PROBE, options)) !== serialize(reference.document)) {
    return 'its tree differs from parse5\'s own on the probe page';
  }
  return null;
}

/** Whether HTML is parsed with the text fast path, and if not, why (a parse5 upgrade changed what it relies on). */
export interface TextRunsState {
  readonly active: boolean;
  readonly problem: string | null;
}

let state: TextRunsState | undefined;

/**
 * Whether the fast path is on: `checkTextRuns()` on first use (not when this module loads, so
 * that commands that never parse HTML do not pay for the probe), then remembered. When it is
 * off, says so once as a process warning.
 */
export function textRuns(): TextRunsState {
  if (state !== undefined) return state;
  let problem: string | null;
  try {
    problem = checkTextRuns();
  } catch (err) {
    problem = `the check threw ${(err as Error)?.message ?? String(err)}`;
  }
  if (problem !== null) {
    process.emitWarning(`parse5's text fast path is off, parsing with stock parse5: ${problem}`, { code: 'TSCRAPY_PARSE5_TEXT_RUNS' });
  }
  return (state = { active: problem === null, problem });
}

/**
 * Parses an HTML document the way browsers do (parse5, scripting off) with `treeAdapter`,
 * reading text through the fast path when it is on: the same tree as `parse5.parse`.
 */
export function parseHtmlWith<T extends TreeAdapterTypeMap>(text: string, treeAdapter: TreeAdapter<T>): T['document'] {
  const options: ParserOptions<T> = { treeAdapter, scriptingEnabled: false };
  return (state ?? textRuns()).active ? TextRunParser.parse(text, options) : parse(text, options);
}
