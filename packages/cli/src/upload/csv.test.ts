import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { csvTable, formatOf, ndjsonTable } from './records.js';

describe('parseCsv', () => {
  it('reads plain cells, CRLF line ends, a BOM and skips blank lines', () => {
    const rows = parseCsv('\ufeffa,b\r\n1,2\r\n\r\n3,\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 4, cells: ['3', ''] },
    ]);
  });

  it('reads quoted cells with delimiters, escaped quotes and line breaks', () => {
    const rows = parseCsv('x,y\n"a, b","say ""hi"""\n"two\nlines",z');
    expect(rows.map((r) => r.cells)).toEqual([
      ['x', 'y'],
      ['a, b', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
    expect(rows[2]?.line).toBe(3);
  });

  it('keeps an empty quoted cell and a last row without a line end', () => {
    expect(parseCsv('a,"",c').map((r) => r.cells)).toEqual([['a', '', 'c']]);
  });

  it('rejects an unterminated quote, a quote inside a bare cell and text after a closing quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: unterminated/);
    expect(() => parseCsv('ab"c')).toThrow(/quote inside an unquoted cell/);
    expect(() => parseCsv('"ab"c')).toThrow(/text after a closing quote/);
  });
});

describe('tables', () => {
  it('names CSV cells by header and flags rows with the wrong cell count', () => {
    const table = csvTable('email, value\na@b.c,1\nonly-one\n');
    expect(table.columns).toEqual(['email', 'value']);
    expect(table.records[0]).toEqual({ line: 2, fields: { email: 'a@b.c', value: '1' } });
    expect(table.records[1]?.error).toMatch(/1 cells but the header has 2/);
  });

  it('reads NDJSON objects and flags lines that are not objects', () => {
    const table = ndjsonTable('{"a":1}\n\n[1]\nnope\n{"b":true}');
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.records.map((r) => [r.line, r.error ?? r.fields])).toEqual([
      [1, { a: 1 }],
      [3, 'a line must hold one JSON object'],
      [4, 'not valid JSON'],
      [5, { b: true }],
    ]);
  });

  it('picks the format from the extension', () => {
    expect(formatOf('x.CSV')).toBe('csv');
    expect(formatOf('x.ndjson')).toBe('ndjson');
    expect(formatOf('x.jsonl')).toBe('ndjson');
    expect(() => formatOf('x.xlsx')).toThrow(/unsupported file type/);
  });
});
