import { InvalidArgumentError } from '../../crawler/errors.js';
import type { Axis, Expr, NodeTest, Step } from './ast.js';

/** A malformed XPath expression; the message quotes it and says where and why. */
export class XPathSyntaxError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_XPATH_SYNTAX';
}

type TokenType = 'name' | 'string' | 'number' | 'op' | 'var' | 'end';

interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** For `name` and `var` tokens written `prefix:local`: the prefix. */
  readonly prefix: string | null;
  readonly at: number;
}

const AXES = new Set<string>([
  'ancestor', 'ancestor-or-self', 'attribute', 'child', 'descendant', 'descendant-or-self', 'following',
  'following-sibling', 'namespace', 'parent', 'preceding', 'preceding-sibling', 'self',
]);
const NODE_TYPES = new Set(['node', 'text', 'comment', 'processing-instruction']);
const OPERATOR_NAMES = new Set(['and', 'or', 'div', 'mod']);
const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NCNAME = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][\w.\-\u00B7\u0300-\u036F\u203F-\u2040\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*/y;
// libxml2 (so lxml and parsel) accepts an exponent in number literals; so do we.
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const TWO_CHAR_OPS = new Set(['//', '::', '..', '!=', '<=', '>=']);
const ONE_CHAR_OPS = new Set(['/', '(', ')', '[', ']', '.', '@', ',', '|', '+', '-', '=', '<', '>', '*']);

/** Splits an expression into tokens, applying XPath 1.0's rules for `*` and operator names. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw syntaxError(src, i, why);
  };
  // After these (or at the start), `*` is a name test and `and`/`or`/`div`/`mod` are names.
  const operatorMayFollow = () => {
    const prev = tokens[tokens.length - 1];
    if (prev === undefined) return false;
    if (prev.type === 'op') return prev.value === ')' || prev.value === ']' || prev.value === '.' || prev.value === '..';
    return true;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const at = i;
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail('a string literal is not closed');
      tokens.push({ type: 'string', value: src.slice(i + 1, end), prefix: null, at });
      i = end + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num && (c !== '.' || /\d/.test(src[i + 1] ?? ''))) {
      tokens.push({ type: 'number', value: num[0], prefix: null, at });
      i += num[0].length;
      continue;
    }
    if (c === '$') {
      i++;
      const [prefix, local] = readQName(src, i, fail, false);
      i += (prefix === null ? 0 : prefix.length + 1) + local.length;
      tokens.push({ type: 'var', value: local, prefix, at });
      continue;
    }
    if (c === '*') {
      tokens.push(operatorMayFollow() ? { type: 'op', value: '*', prefix: null, at } : { type: 'name', value: '*', prefix: null, at });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ type: 'op', value: two, prefix: null, at });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ type: 'op', value: c, prefix: null, at });
      i++;
      continue;
    }
    if (NAME_START.test(c)) {
      if (operatorMayFollow()) {
        NCNAME.lastIndex = i;
        const word = NCNAME.exec(src)![0];
        if (!OPERATOR_NAMES.has(word)) fail(`expected an operator, found ${JSON.stringify(word)}`);
        tokens.push({ type: 'op', value: word, prefix: null, at });
        i += word.length;
        continue;
      }
      const [prefix, local] = readQName(src, i, fail, true);
      i += (prefix === null ? 0 : prefix.length + 1) + local.length;
      tokens.push({ type: 'name', value: local, prefix, at });
      continue;
    }
    fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ type: 'end', value: '', prefix: null, at: src.length });
  return tokens;
}

/** Reads `local`, `prefix:local` or (for name tests) `prefix:*` at `i`. */
function readQName(src: string, i: number, fail: (why: string) => never, allowStar: boolean): [string | null, string] {
  NCNAME.lastIndex = i;
  const first = NCNAME.exec(src);
  if (!first) fail('expected a name');
  const afterFirst = i + first![0].length;
  if (src[afterFirst] === ':' && src[afterFirst + 1] !== ':') {
    if (allowStar && src[afterFirst + 1] === '*') return [first![0], '*'];
    NCNAME.lastIndex = afterFirst + 1;
    const second = NCNAME.exec(src);
    if (!second) fail(`expected a name after "${first![0]}:"`);
    return [first![0], second![0]];
  }
  return [null, first![0]];
}

function syntaxError(src: string, at: number, why: string): XPathSyntaxError {
  return new XPathSyntaxError(`Invalid XPath ${JSON.stringify(src)}: ${why} at position ${at}`);
}

/** Parses an XPath 1.0 expression (plus libxml2's exponent in numbers). @throws XPathSyntaxError */
export function parseXPath(src: string): Expr {
  if (typeof src !== 'string') {
    throw new InvalidArgumentError(`An XPath query must be a string, got ${src === null ? 'null' : typeof src}`);
  }
  return new Parser(src, tokenize(src)).parseAll();
}

const ABBREVIATED_DESCENDANT: Step = { axis: 'descendant-or-self', test: { kind: 'node' }, predicates: [] };

class Parser {
  #i = 0;
  constructor(
    readonly src: string,
    readonly tokens: Token[],
  ) {}

  parseAll(): Expr {
    if (this.#peek().type === 'end') throw syntaxError(this.src, 0, 'the expression is empty');
    const e = this.#expr();
    const t = this.#peek();
    if (t.type !== 'end') throw syntaxError(this.src, t.at, `unexpected ${describe(t)}`);
    return e;
  }

  #peek(ahead = 0): Token {
    return this.tokens[Math.min(this.#i + ahead, this.tokens.length - 1)]!;
  }

  #next(): Token {
    return this.tokens[this.#i++]!;
  }

  #isOp(value: string, ahead = 0): boolean {
    const t = this.#peek(ahead);
    return t.type === 'op' && t.value === value;
  }

  #expect(value: string): void {
    const t = this.#next();
    if (t.type !== 'op' || t.value !== value) throw syntaxError(this.src, t.at, `expected "${value}", found ${describe(t)}`);
  }

  #expr(): Expr {
    return this.#binary(0);
  }

  /** Binary operators by precedence level, lowest first. */
  static readonly LEVELS: readonly (readonly string[])[] = [['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', 'div', 'mod']];

  #binary(level: number): Expr {
    if (level === Parser.LEVELS.length) return this.#unary();
    let left = this.#binary(level + 1);
    const ops = Parser.LEVELS[level]!;
    for (;;) {
      const t = this.#peek();
      if (t.type !== 'op' || !ops.includes(t.value)) return left;
      this.#next();
      const right = this.#binary(level + 1);
      if (level === 0 || level === 1) left = { kind: t.value as 'or' | 'and', left, right };
      else if (level <= 3) left = { kind: 'compare', op: t.value as '=', left, right };
      else left = { kind: 'arith', op: t.value as '+', left, right };
    }
  }

  #unary(): Expr {
    if (this.#isOp('-')) {
      this.#next();
      return { kind: 'negate', operand: this.#unary() };
    }
    let left = this.#pathExpr();
    while (this.#isOp('|')) {
      this.#next();
      left = { kind: 'union', left, right: this.#pathExpr() };
    }
    return left;
  }

  #startsFilter(): boolean {
    const t = this.#peek();
    if (t.type === 'string' || t.type === 'number' || t.type === 'var') return true;
    if (t.type === 'op') return t.value === '(';
    if (t.type === 'name' && this.#isOp('(', 1)) return t.prefix !== null || !NODE_TYPES.has(t.value);
    return false;
  }

  #pathExpr(): Expr {
    if (!this.#startsFilter()) return this.#locationPath();
    let start = this.#primary();
    const predicates = this.#predicates();
    if (predicates.length) start = { kind: 'filter', primary: start, predicates };
    if (!this.#isOp('/') && !this.#isOp('//')) return start;
    const steps: Step[] = [];
    this.#relativePath(steps);
    return { kind: 'path', start, absolute: false, steps };
  }

  #primary(): Expr {
    const t = this.#next();
    if (t.type === 'string') return { kind: 'string', value: t.value };
    if (t.type === 'number') return { kind: 'number', value: Number(t.value) };
    if (t.type === 'var') return { kind: 'variable', prefix: t.prefix, local: t.value };
    if (t.type === 'op') {
      const e = this.#expr();
      this.#expect(')');
      return e;
    }
    this.#expect('(');
    const args: Expr[] = [];
    if (!this.#isOp(')')) {
      args.push(this.#expr());
      while (this.#isOp(',')) {
        this.#next();
        args.push(this.#expr());
      }
    }
    this.#expect(')');
    return { kind: 'call', prefix: t.prefix, local: t.value, args };
  }

  #predicates(): Expr[] {
    const out: Expr[] = [];
    while (this.#isOp('[')) {
      this.#next();
      out.push(this.#expr());
      this.#expect(']');
    }
    return out;
  }

  #locationPath(): Expr {
    const steps: Step[] = [];
    if (this.#isOp('/')) {
      this.#next();
      if (this.#startsStep()) this.#steps(steps);
      return { kind: 'path', start: null, absolute: true, steps };
    }
    if (this.#isOp('//')) {
      this.#next();
      steps.push(ABBREVIATED_DESCENDANT);
      this.#steps(steps);
      return { kind: 'path', start: null, absolute: true, steps };
    }
    this.#steps(steps);
    return { kind: 'path', start: null, absolute: false, steps };
  }

  #startsStep(): boolean {
    const t = this.#peek();
    return t.type === 'name' || (t.type === 'op' && (t.value === '.' || t.value === '..' || t.value === '@'));
  }

  #relativePath(steps: Step[]): void {
    while (this.#isOp('/') || this.#isOp('//')) {
      if (this.#next().value === '//') steps.push(ABBREVIATED_DESCENDANT);
      steps.push(this.#step());
    }
  }

  #steps(steps: Step[]): void {
    steps.push(this.#step());
    this.#relativePath(steps);
  }

  #step(): Step {
    const t = this.#peek();
    if (this.#isOp('.')) {
      this.#next();
      return { axis: 'self', test: { kind: 'node' }, predicates: [] };
    }
    if (this.#isOp('..')) {
      this.#next();
      return { axis: 'parent', test: { kind: 'node' }, predicates: [] };
    }
    let axis: Axis = 'child';
    if (this.#isOp('@')) {
      this.#next();
      axis = 'attribute';
    } else if (t.type === 'name' && t.prefix === null && this.#isOp('::', 1)) {
      if (!AXES.has(t.value)) throw syntaxError(this.src, t.at, `unknown axis "${t.value}"`);
      axis = t.value as Axis;
      this.#next();
      this.#next();
    }
    const test = this.#nodeTest();
    return { axis, test, predicates: this.#predicates() };
  }

  #nodeTest(): NodeTest {
    const t = this.#next();
    if (t.type !== 'name') throw syntaxError(this.src, t.at, `expected a step, found ${describe(t)}`);
    if (t.value === '*' ) return { kind: 'any', prefix: t.prefix };
    if (t.prefix === null && NODE_TYPES.has(t.value) && this.#isOp('(')) {
      this.#next();
      if (t.value === 'processing-instruction') {
        let target: string | null = null;
        if (this.#peek().type === 'string') target = this.#next().value;
        this.#expect(')');
        return { kind: 'pi', target };
      }
      this.#expect(')');
      return { kind: t.value as 'node' | 'text' | 'comment' };
    }
    return { kind: 'name', prefix: t.prefix, local: t.value };
  }
}

function describe(t: Token): string {
  if (t.type === 'end') return 'the end of the expression';
  if (t.type === 'string') return `the string ${JSON.stringify(t.value)}`;
  return JSON.stringify(t.prefix === null ? t.value : `${t.prefix}:${t.value}`);
}
