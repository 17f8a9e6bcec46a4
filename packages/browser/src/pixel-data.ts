/**
 * The pixel's `data` from the event data as the page gave it (`value: '129.99'`, `planId`…),
 * without core's builder: the relay builds and validates the server copy, the pixel gets only
 * `type`, `amount` (integer minor units), `currency`, `contents` and `plan_id`. `value` is
 * converted with core's own rule (`minorUnitsOf`, never rounded) and its small table of
 * ISO 4217 exponent exceptions (`exponentOf`), not the full currency table.
 */
import { dataShapeOf, exponentOf, minorUnitsOf } from '@x/openai-capi-core';
import { invalid } from './report.js';
import type { EventType, WireEventData } from '@x/openai-capi-core';

type Obj = Record<string, unknown>;

/**
 * `data` (friendly) → the pixel's data for an event of type `type`.
 *
 * @throws CapiValidationError when a `value` cannot be converted exactly (core's issue codes)
 */
export function pixelDataOf(type: EventType, data: unknown): WireEventData {
  const out: Obj = { type: dataShapeOf(type) };
  if (typeof data !== 'object' || data === null) return out as unknown as WireEventData;
  const src = data as Obj;
  const currency = money(src, out, undefined, 'data.');
  const contents = src.contents;
  if (Array.isArray(contents)) {
    out.contents = contents.map((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) return item;
      const from = item as Obj;
      const to: Obj = {};
      // `groupId` → `group_id`…; money apart.
      for (const key of Object.keys(from)) if (!/^(value|amount|currency)$/.test(key)) to[key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] = from[key];
      money(from, to, currency, `data.contents[${i}].`);
      return to;
    });
  }
  const planId = src.planId ?? src.plan_id;
  if (planId !== undefined) out.plan_id = planId;
  return out as unknown as WireEventData;
}

/** `value` or `amount` of `src` → `out.amount`, currency uppercased into `out.currency`; returns that currency. */
function money(src: Obj, out: Obj, fallback: unknown, prefix: string): unknown {
  const currency = typeof src.currency === 'string' ? src.currency.toUpperCase() : src.currency;
  const code = currency ?? fallback;
  if (src.amount !== undefined) out.amount = src.amount;
  else if (src.value !== undefined && typeof code === 'string') {
    const exponent = exponentOf(code);
    const amount = minorUnitsOf(src.value, exponent);
    if (typeof amount !== 'number') invalid(prefix + 'value', amount, `must be a decimal ≥ 0 with at most ${exponent} decimals`);
    out.amount = amount;
  }
  if (currency !== undefined) out.currency = currency;
  return currency;
}
