/** Crawl statistics under Scrapy's key names (`downloader/request_count`, `item_scraped_count`, ...). */
export class StatsCollector {
  #stats = new Map<string, unknown>();

  getValue<T = unknown>(key: string, fallback?: T): T | undefined {
    return (this.#stats.has(key) ? this.#stats.get(key) : fallback) as T | undefined;
  }

  setValue(key: string, value: unknown): void {
    this.#stats.set(key, value);
  }

  incValue(key: string, count = 1, start = 0): void {
    this.#stats.set(key, ((this.#stats.get(key) as number | undefined) ?? start) + count);
  }

  maxValue(key: string, value: number): void {
    const cur = this.#stats.get(key) as number | undefined;
    if (cur === undefined || value > cur) this.#stats.set(key, value);
  }

  minValue(key: string, value: number): void {
    const cur = this.#stats.get(key) as number | undefined;
    if (cur === undefined || value < cur) this.#stats.set(key, value);
  }

  /** Replaces all values (e.g. restored from a JOBDIR or merged from Redis). */
  setStats(values: Record<string, unknown>): void {
    this.#stats = new Map(Object.entries(values));
  }

  /** A snapshot, keys sorted, Dates as ISO strings. */
  getStats(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of [...this.#stats.keys()].sort()) out[k] = this.#stats.get(k);
    return out;
  }
}
