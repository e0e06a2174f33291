import { ApiError } from '../errors.js';

/**
 * Request parameters, merged from the query string and the body as Twisted does for
 * Scrapyd (`txrequest.args`): each name maps to every value given, in order.
 */
export class Params {
  readonly #values: Map<string, string[]>;
  readonly #files: Map<string, Buffer>;

  constructor(values = new Map<string, string[]>(), files = new Map<string, Buffer>()) {
    this.#values = values;
    this.#files = files;
  }

  add(name: string, value: string): void {
    const list = this.#values.get(name);
    if (list) list.push(value);
    else this.#values.set(name, [value]);
  }

  addFile(name: string, data: Buffer): void {
    this.#files.set(name, data);
  }

  has(name: string): boolean {
    return this.#values.has(name) || this.#files.has(name);
  }

  /** The first value of `name`, or an ApiError in Scrapyd's words: `'project' parameter is required`. */
  required(name: string): string {
    const v = this.#values.get(name)?.[0];
    if (v === undefined) throw new ApiError(`'${name}' parameter is required`, 400);
    return v;
  }

  optional(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  file(name: string): Buffer | undefined {
    return this.#files.get(name);
  }

  names(): string[] {
    return [...this.#values.keys()];
  }
}
