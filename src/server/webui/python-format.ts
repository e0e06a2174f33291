/**
 * Values printed the way Scrapyd's Python pages print them, because ScrapydWeb reads them
 * back with Python parsers (`datetime.strptime(v, '%Y-%m-%d %H:%M:%S')` on the jobs page).
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** `str(datetime)` without microseconds, local time: `2026-12-07 09:22:12`. */
export function pyDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `strftime('%Y-%m-%d %H:%M')`, local time: the "Last modified" column of Scrapyd's listings. */
export function pyDateMinutes(ms: number): string {
  return pyDateTime(ms).slice(0, 16);
}

/** `str(timedelta)` without microseconds: `0:00:05`, `1 day, 2:03:04`, `3 days, 0:00:00`. */
export function pyTimedelta(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const days = Math.floor(total / 86400);
  const rest = total % 86400;
  const hms = `${Math.floor(rest / 3600)}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/** Twisted's `formatFileSize`: whole B, K, M or G, truncated (`512B`, `3K`, `12M`). */
export function formatFileSize(size: number): string {
  if (size < 1024) return `${size}B`;
  if (size < 1024 ** 2) return `${Math.floor(size / 1024)}K`;
  if (size < 1024 ** 3) return `${Math.floor(size / 1024 ** 2)}M`;
  return `${Math.floor(size / 1024 ** 3)}G`;
}
