import { describe, expect, it } from 'vitest';
import { mapRecord, parseMapArgs, parseTimestamp, resolveMapping } from './mapping.js';

const record = (fields: Record<string, unknown>) => ({ line: 2, fields });

describe('resolveMapping', () => {
  it('maps common CRM headers and reports the columns it ignores', () => {
    const m = resolveMapping(['Order ID', 'Created At', 'E-mail', 'Amount', 'Notes']);
    expect(Object.fromEntries(m.fields)).toEqual({ id: 'Order ID', timestamp: 'Created At', email: 'E-mail', value: 'Amount' });
    expect(m.ignored).toEqual(['Notes']);
  });

  it('lets --map override an alias, map an unknown column, or ignore one', () => {
    const m = resolveMapping(['order_id', 'ref', 'when'], parseMapArgs(['ref=id', 'order_id=ignore', 'when=timestamp']));
    expect(Object.fromEntries(m.fields)).toEqual({ id: 'ref', timestamp: 'when' });
    expect(m.ignored).toEqual(['order_id']);
  });

  it('rejects an override of a missing column, an unknown field, a bad pair and two columns for one field', () => {
    expect(() => resolveMapping(['a'], parseMapArgs(['b=email']))).toThrow(/column "b", which the file does not have/);
    expect(() => parseMapArgs(['a=mail'])).toThrow(/unknown field "mail"/);
    expect(() => parseMapArgs(['=email'])).toThrow(/column=field/);
    expect(() => resolveMapping(['x', 'y'], parseMapArgs(['x=email', 'y=email']))).toThrow(/both map to email/);
  });

  it('keeps the first of two alias columns for one field and ignores the second', () => {
    const m = resolveMapping(['email', 'email_address']);
    expect(m.fields.get('email')).toBe('email');
    expect(m.ignored).toEqual(['email_address']);
  });
});

describe('parseTimestamp', () => {
  it('reads ISO 8601, Unix ms and Unix seconds', () => {
    expect(parseTimestamp('2026-03-18T12:00:00Z')).toBe(1773835200000);
    expect(parseTimestamp(1773835200000)).toBe(1773835200000);
    expect(parseTimestamp('1773835200')).toBe(1773835200000);
  });
  it('returns undefined for text that is no date', () => {
    expect(parseTimestamp('yesterday-ish')).toBeUndefined();
    expect(parseTimestamp('')).toBeUndefined();
  });
});

describe('mapRecord', () => {
  const mapping = resolveMapping(['order_id', 'event', 'created_at', 'email', 'value', 'currency', 'click_id', 'opt_out']);

  it('builds the friendly event input: id, time, money, identities, oppref unchanged', () => {
    const row = mapRecord(
      record({ order_id: 'A-1', event: 'order_created', created_at: '2026-03-18T12:00:00Z', email: 'a@b.co', value: '12.50', currency: 'EUR', click_id: ' raw click ', opt_out: 'yes' }),
      mapping,
    );
    expect(row).toEqual({
      ok: true,
      input: {
        type: 'order_created',
        id: 'A-1',
        timestamp: 1773835200000,
        actionSource: 'offline',
        data: { value: '12.50', currency: 'EUR' },
        user: { email: 'a@b.co' },
        oppref: ' raw click ',
        optOut: true,
      },
    });
  });

  it('uses the defaults for type and currency', () => {
    const m = resolveMapping(['created_at', 'value']);
    const row = mapRecord(record({ created_at: '1773835200000', value: '3' }), m, { type: 'order_created', currency: 'USD' });
    expect(row.ok && row.input.data).toEqual({ value: '3', currency: 'USD' });
  });

  it('rejects rows without a type, with an unknown type, without a time, with a bad time or bad opt_out', () => {
    const reason = (fields: Record<string, unknown>, defaults = {}) => {
      const r = mapRecord(record(fields), mapping, defaults);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason({ created_at: '2026-03-18' })).toMatch(/^type: no event type/);
    expect(reason({ event: 'purchase', created_at: '2026-03-18' })).toMatch(/"purchase" is not an event type/);
    expect(reason({ event: 'order_created' })).toMatch(/^timestamp: missing/);
    expect(reason({ event: 'order_created', created_at: 'soon' })).toMatch(/"soon" is not an ISO 8601 date/);
    expect(reason({ event: 'order_created', created_at: '2026-03-18', opt_out: 'maybe' })).toMatch(/^opt_out/);
  });

  it('passes on a row that could not be read as rejected', () => {
    expect(mapRecord({ line: 3, fields: {}, error: 'not valid JSON' }, mapping)).toEqual({ ok: false, reason: 'not valid JSON' });
  });
});
