/**
 * Writes a copy of src/__fixtures__/conversions.csv with every date moved so that the export looks made
 * just now (the fixture's own dates are fixed, hence stale after a week):
 * `tsx scripts/make-sample.ts /tmp/orders.csv`.
 */
import { readFile, writeFile } from 'node:fs/promises';

const EXPORTED_AT = Date.parse('2026-03-19T12:00:00Z');
const out = process.argv[2];
if (!out) {
  console.error('usage: tsx scripts/make-sample.ts <output.csv>');
  process.exit(2);
}
const shift = Date.now() - EXPORTED_AT;
const text = await readFile(new URL('../src/__fixtures__/conversions.csv', import.meta.url), 'utf8');
const moved = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, (iso) =>
  new Date(Date.parse(iso) + shift).toISOString().replace(/\.\d{3}Z$/, 'Z'),
);
await writeFile(out, moved);
console.error(`wrote ${out}: the fixture's rows, dated as if exported now`);
