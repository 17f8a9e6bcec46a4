import { describe, expect, it } from 'vitest';
import { drawFault, resolveFaults, NO_FAULTS } from './faults.js';
import { mulberry32 } from './prng.js';
import { handleCapiRequest } from './handle-request.js';
import { applyFaults, createState, resetState, resolveOptions } from './state.js';
import { KEY, NOW, order, request } from './__fixtures__/events.js';

function setup(seed = 7) {
  const options = resolveOptions({ apiKey: KEY, now: NOW, seed });
  const state = createState(options);
  const send = () => handleCapiRequest(request({ events: [order(`o${state.requestCounter}`)] }), state, options);
  const statuses = (n: number) => Array.from({ length: n }, () => {
    const outcome = send();
    return outcome.kind === 'reset' ? 'reset' : outcome.status;
  });
  return { options, state, send, statuses };
}

describe('mulberry32', () => {
  it('is reproducible from a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
});

describe('resolveFaults', () => {
  it('defaults to no fault', () => {
    expect(resolveFaults({})).toEqual(NO_FAULTS);
  });

  it.each([
    [{ resetRate: 1.5 }, 'resetRate'],
    [{ status5xxRate: -0.1 }, 'status5xxRate'],
    [{ rateLimitRate: Number.NaN }, 'rateLimitRate'],
    [{ latencyMs: -1 }, 'latencyMs'],
    [{ retryAfterS: Number.POSITIVE_INFINITY }, 'retryAfterS'],
    [{ status5xx: 404 }, 'status5xx'],
    [{ seed: 1.5 }, 'seed'],
    // A misspelt fault would otherwise be ignored: a test of retries would pass without any fault.
    [{ status500Rate: 0.5 }, 'status500Rate'],
    [{ latency: 100 }, 'latency'],
  ])('rejects %o naming %s', (faults, name) => {
    expect(() => resolveFaults(faults as never)).toThrow(new RegExp(`faults\\.${name}`));
  });

  it('rejects faults that are not an object', () => {
    for (const faults of [null, 'status5xxRate=1', 0.5, []]) {
      expect(() => resolveFaults(faults as never)).toThrow(/faults must be an object/);
    }
  });

  it('draws nothing at rate 0 and always at rate 1', () => {
    const random = mulberry32(1);
    expect(drawFault(NO_FAULTS, random)).toBeUndefined();
    expect(drawFault(resolveFaults({ status5xxRate: 1, rateLimitRate: 1 }), random)).toBe('status5xx');
    expect(drawFault(resolveFaults({ resetRate: 1, status5xxRate: 1 }), random)).toBe('reset');
  });
});

describe('fault injection', () => {
  const mixed = { status5xxRate: 0.3, rateLimitRate: 0.3, resetRate: 0.1 };

  it('replays the same sequence for the same seed, and another for another seed', () => {
    const first = setup();
    applyFaults(first.state, mixed);
    const second = setup();
    applyFaults(second.state, mixed);
    const a = first.statuses(40);
    expect(second.statuses(40)).toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 503, 429, 'reset']));
    const other = setup(8);
    applyFaults(other.state, mixed);
    expect(other.statuses(40)).not.toEqual(a);
  });

  it('restarts the sequence when setFaults gives a seed, and reset() restores the initial seed', () => {
    const { state, options, statuses } = setup();
    applyFaults(state, { ...mixed, seed: 99 });
    const a = statuses(20);
    applyFaults(state, { ...mixed, seed: 99 });
    expect(statuses(20)).toEqual(a);
    resetState(state, options);
    expect(statuses(5)).toEqual([200, 200, 200, 200, 200]);
    expect(state.requests).toHaveLength(5);
  });

  it('answers 429 with Retry-After, 5xx with the configured status, stores nothing and records the fault', () => {
    const { state, send } = setup();
    applyFaults(state, { rateLimitRate: 1, retryAfterS: 3 });
    const limited = send();
    expect(limited).toMatchObject({ kind: 'response', status: 429, headers: { 'retry-after': '3' } });
    applyFaults(state, { status5xxRate: 1, status5xx: 502 });
    expect(send()).toMatchObject({ kind: 'response', status: 502 });
    expect(state.events).toHaveLength(0);
    expect(state.requests.map((r) => [r.status, r.fault])).toEqual([[429, 'rateLimit'], [502, 'status5xx']]);
  });

  it('resets the connection (status 0 in the log) and stores nothing', () => {
    const { state, send } = setup();
    applyFaults(state, { resetRate: 1, latencyMs: 20 });
    expect(send()).toEqual({ kind: 'reset', delayMs: 20 });
    expect(state.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
    expect(state.events).toHaveLength(0);
  });

  it('delays answers by latencyMs but processes the request at once', () => {
    const { state, send } = setup();
    applyFaults(state, { latencyMs: 250 });
    expect(send()).toMatchObject({ kind: 'response', status: 200, delayMs: 250 });
    expect(state.events).toHaveLength(1);
    applyFaults(state, {});
    expect(send()).toMatchObject({ delayMs: 0 });
  });
});

describe('resolveFaults: values no client or timer can use', () => {
  it('refuses a fractional Retry-After and a latency past the timer limit', async () => {
    const { resolveFaults } = await import('./faults.js');
    expect(() => resolveFaults({ retryAfterS: 1.5 })).toThrow(/retryAfterS/);
    expect(() => resolveFaults({ retryAfterS: 1e21 })).toThrow(/retryAfterS/);
    expect(() => resolveFaults({ latencyMs: 2 ** 31 })).toThrow(/2147483647/);
    expect(resolveFaults({ retryAfterS: 3 }).retryAfterS).toBe(3);
  });
});
