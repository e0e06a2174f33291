/** How a CSV text is split. */
export interface CsvOptions {
  /** @default ',' */
  delimiter?: string;
  /** @default '"' */
  quotechar?: string;
}

/**
 * Splits CSV text into rows (RFC 4180, like Python's csv module with its defaults): quoted
 * fields may hold delimiters, newlines and doubled quote characters; CRLF, LF and CR all end a
 * row; a blank line yields no row.
 */
export function* parseCsv(text: string, options: CsvOptions = {}): Generator<string[], void, undefined> {
  const delimiter = options.delimiter ?? ',';
  const quote = options.quotechar ?? '"';
  if (delimiter.length !== 1 || quote.length !== 1 || delimiter === quote) {
    throw new RangeError(`CSV delimiter and quotechar must be two different single characters, got ${JSON.stringify(delimiter)} and ${JSON.stringify(quote)}`);
  }
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false; // distinguishes an empty last field ("a,") from no field at all
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM is not part of the first header
  for (; i < n; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += c;
      continue;
    }
    if (c === quote && field === '') {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (fieldStarted || field !== '' || row.length) {
        row.push(field);
        yield row;
      }
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || field !== '' || row.length) {
    row.push(field);
    yield row;
  }
}
