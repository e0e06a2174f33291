import { InvalidArgumentError } from '../errors.js';
import { DEFAULTS, type DefaultSettings } from './defaults.js';

/** Named priority levels: a value set at a higher level wins over a lower one. */
export const PRIORITIES = Object.freeze({
  default: 0,
  command: 10,
  project: 20,
  spider: 30,
  cmdline: 40,
});
export type PriorityName = keyof typeof PRIORITIES;
type Priority = PriorityName | number;

interface Entry {
  value: unknown;
  priority: number;
}

/** Setting names with their value types; unknown (user) names are allowed too. */
export type SettingName = keyof DefaultSettings & string;
/** Settings as a plain object: built-in settings (typed) and settings of your own. */
export type SettingsInput = Partial<DefaultSettings> & Record<string, unknown>;

function toPriority(p: Priority): number {
  return typeof p === 'number' ? p : PRIORITIES[p];
}

/**
 * Settings of one crawl, each value tagged with the priority it was set at
 * (default < command < project < spider < cmdline). Frozen once the crawl starts.
 */
export class Settings {
  #entries = new Map<string, Entry>();
  #frozen = false;

  /** Settings with the built-in defaults, then `values` at `priority`. */
  constructor(values?: SettingsInput, priority: Priority = 'project') {
    for (const [k, v] of Object.entries(DEFAULTS)) this.#entries.set(k, { value: v, priority: 0 });
    if (values) this.update(values, priority);
  }

  /** Sets `name` unless it already holds a value of higher priority. */
  set(name: string, value: unknown, priority: Priority = 'project'): void {
    if (this.#frozen) throw new TypeError(`Settings are frozen: cannot set ${name} once the crawl has started`);
    const p = toPriority(priority);
    const current = this.#entries.get(name);
    if (!current || current.priority <= p) this.#entries.set(name, { value, priority: p });
  }

  update(values: SettingsInput | Settings, priority: Priority = 'project'): void {
    if (values instanceof Settings) {
      for (const [k, e] of values.#entries) this.set(k, e.value, e.priority);
      return;
    }
    for (const [k, v] of Object.entries(values)) if (v !== undefined) this.set(k, v, priority);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  getPriority(name: string): number | undefined {
    return this.#entries.get(name)?.priority;
  }

  get<K extends SettingName>(name: K): DefaultSettings[K];
  get(name: string, fallback?: unknown): unknown;
  get(name: string, fallback?: unknown): unknown {
    const e = this.#entries.get(name);
    return e === undefined ? fallback : e.value;
  }

  getBool(name: string, fallback = false): boolean {
    const v = this.get(name, fallback);
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    }
    if (v === null || v === undefined) return false;
    throw new InvalidArgumentError(`${name} must be a boolean (true/false, 1/0), got ${JSON.stringify(v)}`);
  }

  getFloat(name: string, fallback = 0): number {
    const v = this.get(name, fallback);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (v === null || v === undefined) return fallback;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${name} must be a number, got ${JSON.stringify(v)}`);
    }
    return n;
  }

  getInt(name: string, fallback = 0): number {
    const n = this.getFloat(name, fallback);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number, got ${n}`);
    return n;
  }

  /** A list from an array, a JSON array string or a comma-separated string. */
  getList<T = string>(name: string, fallback: T[] = []): T[] {
    const v = this.get(name, fallback);
    if (v === null || v === undefined) return fallback;
    if (Array.isArray(v)) return v as T[];
    if (typeof v === 'string') {
      const s = v.trim();
      if (s.startsWith('[')) return parseJson(name, s) as T[];
      return (s === '' ? [] : s.split(',').map((x) => x.trim())) as T[];
    }
    throw new InvalidArgumentError(`${name} must be a list, got ${JSON.stringify(v)}`);
  }

  /** A plain object from an object or a JSON object string. */
  getDict<T = unknown>(name: string, fallback: Record<string, T> = {}): Record<string, T> {
    const v = this.get(name, fallback);
    if (v === null || v === undefined) return fallback;
    if (typeof v === 'string') {
      const parsed = parseJson(name, v);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, T>;
    } else if (typeof v === 'object' && !Array.isArray(v)) {
      return v as Record<string, T>;
    }
    throw new InvalidArgumentError(`${name} must be an object such as {"key": value}, got ${JSON.stringify(v)}`);
  }

  /** A copy that can be changed (unfrozen). */
  copy(): Settings {
    const s = new Settings();
    for (const [k, e] of this.#entries) s.#entries.set(k, { ...e });
    return s;
  }

  freeze(): this {
    this.#frozen = true;
    return this;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** Plain name → value object, e.g. for `tscrapy settings` or a job record. */
  toObject(): Record<string, unknown> {
    return Object.fromEntries([...this.#entries].map(([k, e]) => [k, e.value]));
  }
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`${name} must be valid JSON, got ${text}`);
  }
}

/**
 * Parses a command-line value (`-s K=V`): numbers, booleans, null and JSON become typed values;
 * anything else stays a string.
 */
export function parseSettingValue(raw: string): unknown {
  const s = raw.trim();
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  if (s === 'null' || s === 'None') return null;
  if (/^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(s)) return Number(s);
  if (/^[[{"]/.test(s)) {
    try {
      return JSON.parse(s);
    } catch {
      return raw;
    }
  }
  return raw;
}
