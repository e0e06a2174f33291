// LogParser 0.8.4's reading of a Scrapy log (logparser/common.py and scrapylogparser.py,
// which ScrapydWeb also runs on a job's log), re-stated in TypeScript because the Python
// package cannot run in CI. Each regex is LogParser's own, translated 1:1 (re.X layout
// whitespace removed; `[ ]` written as a space; re.DOTALL as the `s` flag).

const DATETIME = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`;
/** DATAS_PATTERN: the periodic LogStats lines. */
const DATAS_PATTERN = new RegExp(String.raw`\n(${DATETIME}) .+?Crawled (\d+) pages \(at (\d+) pages/min\), scraped (\d+) items \(at (\d+) items/min\)`, 'g');
/** PATTERN_LOG_ENDING: the stats dump (group 3 is the dict), or the "Spider closed" line. */
const PATTERN_LOG_ENDING = new RegExp(String.raw`(${DATETIME}) [^\n]+?(Dumping Scrapy stats:.*?(\{.+\}).*?|INFO: Spider closed.*)`, 's');

/** Common.parse_crawler_stats: a Python dict repr → JSON by regex substitutions, then json.loads. */
export function parseCrawlerStats(text: string): Record<string, unknown> {
  const json = text
    .replace(/(datetime.datetime\(.+?\))/g, '"$1"')
    .replace(/(".*?)'(.*?)'(.*?")/g, '$1_$2_$3')
    .replace(/'(.+?)'/g, '"$1"')
    .replace(/[bu]"(.+?)"/g, '"$1"')
    .replace(/: None([,}])/g, ': null$1');
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch (err) {
    return { json_loads_error: String(err), stats: text };
  }
}

export interface LogParserResult {
  first_log_time: string;
  latest_log_time: string;
  /** [time, pages, pages/min, items, items/min] per LogStats line. */
  datas: Array<[string, number, number, number, number]>;
  pages: number | null;
  items: number | null;
  finish_reason: string;
  crawler_stats: Record<string, unknown>;
}

/** ScrapyLogParser(text).main(), the parts ScrapydWeb shows for a job. */
export function logparserParse(raw: string): LogParserResult {
  const text = raw.trim();
  const lines = text.split(/\r\n|\n|\r/);
  const timeLine = new RegExp(`^${DATETIME} `);
  const padded = `\n${text}\n2019-01-01 00:00:01 [] DEBUG`;
  const datas = [...padded.matchAll(DATAS_PATTERN)].map((m) => [m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])] as [string, number, number, number, number]);
  const result: LogParserResult = {
    first_log_time: (lines.find((l) => timeLine.test(l)) ?? 'N/A').slice(0, 19),
    latest_log_time: ([...lines].reverse().find((l) => timeLine.test(l)) ?? 'N/A').slice(0, 19),
    datas,
    pages: datas.length ? Math.max(...datas.map((d) => d[1])) : null,
    items: datas.length ? Math.max(...datas.map((d) => d[3])) : null,
    finish_reason: 'N/A',
    crawler_stats: {},
  };
  const m = PATTERN_LOG_ENDING.exec(padded);
  if (m?.[3]) {
    const stats = parseCrawlerStats(m[3]);
    result.crawler_stats = stats;
    result.finish_reason = (stats.finish_reason as string | undefined) ?? result.finish_reason;
    result.pages = (stats.response_received_count as number | undefined) ?? result.pages;
    result.items = (stats.item_scraped_count as number | undefined) ?? result.items;
  }
  return result;
}
