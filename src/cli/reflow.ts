/**
 * Reflows help text written hard-wrapped in the source (lines of ~100 characters) to `width`
 * columns. oclif only breaks lines that are too long, so a source line break in the middle of a
 * sentence used to leave a short line behind at 80 columns (ragged text).
 *
 * The source conventions it keeps:
 * - a blank line separates paragraphs;
 * - a line after one ending in `.` or `:` starts a new line (`Exit codes: …` after prose);
 * - an indented line starts a table row or list entry (`  0  the crawl finished…`,
 *   `  response        the Response…`): it is wrapped with a hanging indent under its text column,
 *   and a line indented at least that deep continues it;
 * - `- ` / `* ` at the start of a line is a bullet, continued by the next lines.
 */
export function reflow(text: string, width: number): string {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    for (const entry of entries(paragraph.split('\n'))) out.push(...wrap(entry, width));
    out.push('');
  }
  out.pop();
  return out.join('\n');
}

interface Entry {
  /** Written before the first word: indentation, and a bullet or a table row's first column. */
  prefix: string;
  /** Indentation of the following lines. */
  hang: number;
  words: string[];
  /** Non-indented lines after a bullet continue it. */
  bullet: boolean;
}

const ROW = /^(\s+)(\S(?:.*?\S)?)(\s{2,})(\S.*)$/;
const BULLET = /^([-*] )(.*)$/;

function entries(lines: string[]): Entry[] {
  const out: Entry[] = [];
  let previous = '';
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const indent = line.length - line.trimStart().length;
    const current = out.at(-1);
    const words = line.trim().split(/\s+/);
    if (indent > 0) {
      if (current && current.hang > 0 && indent >= current.hang) {
        current.words.push(...words);
      } else {
        const row = ROW.exec(line);
        if (row) {
          const prefix = row[1]! + row[2]! + row[3]!;
          out.push({ prefix, hang: prefix.length, words: row[4]!.split(/\s+/), bullet: false });
        } else out.push({ prefix: ' '.repeat(indent), hang: indent, words, bullet: false });
      }
    } else {
      const bullet = BULLET.exec(line);
      if (bullet) out.push({ prefix: bullet[1]!, hang: bullet[1]!.length, words: bullet[2]!.trim().split(/\s+/), bullet: true });
      else if (current && (current.hang === 0 || current.bullet) && !/[.:]$/.test(previous)) current.words.push(...words);
      else out.push({ prefix: '', hang: 0, words, bullet: false });
    }
    previous = line;
  }
  return out;
}

/** Greedy wrap: a word goes to the next line only when it does not fit on this one. */
function wrap(entry: Entry, width: number): string[] {
  // A hanging indent that leaves less than 20 columns of text is not worth keeping.
  const hang = width - entry.hang < 20 ? Math.min(entry.hang, 4) : entry.hang;
  const lines: string[] = [];
  let line = entry.prefix;
  let empty = true;
  for (const word of entry.words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(hang) + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
