import { describe, expect, it } from 'vitest';
import { drawLatency, resolveFaults } from './faults.js';
import { mulberry32 } from './prng.js';
import { handleCapiRequest } from './handle-request.js';
import { applyFaults, createState, resolveOptions } from './state.js';
import { KEY, NOW, order, request } from './__fixtures__/events.js';

describe('latency spikes', () => {
  it('rejects a spike rate outside [0, 1] and a negative spike delay, naming the field', () => {
    expect(() => resolveFaults({ latencySpikeRate: 2 })).toThrow(/faults\.latencySpikeRate/);
    expect(() => resolveFaults({ latencySpikeMs: -5 })).toThrow(/faults\.latencySpikeMs/);
    expect(resolveFaults({})).toMatchObject({ latencySpikeRate: 0, latencySpikeMs: 0 });
  });

  it('adds latencySpikeMs to latencyMs when the draw hits, never at rate 0', () => {
    const random = mulberry32(3);
    expect(drawLatency(resolveFaults({ latencyMs: 5, latencySpikeRate: 1, latencySpikeMs: 300 }), random)).toBe(305);
    expect(drawLatency(resolveFaults({ latencyMs: 5, latencySpikeRate: 0, latencySpikeMs: 300 }), random)).toBe(5);
  });

  it('spikes a seeded share of answers, after storing the events (a timed-out retry is a duplicate)', () => {
    const options = resolveOptions({ apiKey: KEY, now: NOW, seed: 11 });
    const state = createState(options);
    applyFaults(state, { latencySpikeRate: 0.25, latencySpikeMs: 400 });
    const delays = Array.from({ length: 400 }, (_, i) => {
      const outcome = handleCapiRequest(request({ events: [order(`o${i}`)] }), state, options);
      expect(outcome).toMatchObject({ kind: 'response', status: 200 });
      return outcome.delayMs;
    });
    const spiked = delays.filter((d) => d === 400).length;
    expect(delays.every((d) => d === 0 || d === 400)).toBe(true);
    expect(spiked).toBeGreaterThan(60);
    expect(spiked).toBeLessThan(140);
    expect(state.events).toHaveLength(400);
  });

  it('keeps the fault sequence of a seed whatever the spike rate (one draw per request either way)', () => {
    const run = (latencySpikeRate: number) => {
      const options = resolveOptions({ apiKey: KEY, now: NOW, seed: 5 });
      const state = createState(options);
      applyFaults(state, { status5xxRate: 0.3, resetRate: 0.1, latencySpikeRate, latencySpikeMs: 50 });
      return Array.from({ length: 60 }, (_, i) => {
        const outcome = handleCapiRequest(request({ events: [order(`o${i}`)] }), state, options);
        return outcome.kind === 'reset' ? 'reset' : outcome.status;
      });
    };
    expect(run(0.5)).toEqual(run(0));
  });
});
