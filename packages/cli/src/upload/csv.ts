/** One parsed row of a CSV file: its 1-based line number (where the row starts) and its cells. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** A CSV file that cannot be read unambiguously (unterminated quote, stray quote in a cell…). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Parses RFC 4180 CSV: comma separated, `"` quoting with `""` as an escaped quote, line breaks
 * (LF or CRLF) allowed inside quoted cells, a leading UTF-8 BOM ignored, blank lines skipped.
 * A quote inside an unquoted cell or text after a closing quote is an error, never guessed at.
 */
export function parseCsv(text: string, delimiter = ','): CsvRow[] {
  const rows: CsvRow[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  // `quoted`: inside a quoted cell; `closed`: just after its closing quote.
  let quoted = false;
  let closed = false;
  let cellStarted = false;

  const endCell = () => {
    cells.push(cell);
    cell = '';
    closed = false;
    cellStarted = false;
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
  };

  while (i < input.length) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === delimiter) {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (closed) {
      throw new CsvSyntaxError('text after a closing quote (quote the whole cell, escape quotes as "")', line);
    } else if (ch === '"') {
      if (cellStarted) throw new CsvSyntaxError('quote inside an unquoted cell (quote the whole cell)', line);
      quoted = true;
      cellStarted = true;
    } else {
      cell += ch;
      cellStarted = true;
    }
    i++;
  }
  if (quoted) throw new CsvSyntaxError('unterminated quoted cell', rowLine);
  if (cellStarted || closed || cells.length > 0) endRow();
  return rows;
}
