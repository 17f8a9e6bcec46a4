import { describe, expect, it } from 'vitest';
import { parseJsonObjectLine } from './json-line.js';

describe('parseJsonObjectLine', () => {
  it('returns the object on a line', () => {
    expect(parseJsonObjectLine('{"s":7,"e":{}}')).toEqual({ s: 7, e: {} });
  });

  it.each(['{"s":7,"e":{', '', 'null', '42', '"text"'])('returns undefined for %j (torn, corrupt or not an object)', (line) => {
    expect(parseJsonObjectLine(line)).toBeUndefined();
  });
});
