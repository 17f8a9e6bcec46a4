// @vitest-environment happy-dom
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tracker } from '@x/openai-capi-browser';
import { BuyButton } from '../src/app/buy-button';
import { ConsentBanner } from '../src/app/consent-banner';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const product = { id: 'sku-1', name: 'Mug', price: '25.99', currency: 'USD' };
let container: HTMLElement;
let root: Root;

function fakeTracker(consented: boolean): Tracker {
  return {
    track: vi.fn((_name: string, _data: unknown, options?: { eventId?: string }) => (consented ? options?.eventId : undefined)),
    setConsent: vi.fn(),
    consent: consented ? 'granted' : 'denied',
    setUserDataConsent: vi.fn(),
    getOppref: vi.fn(),
    getObref: vi.fn(),
    flush: vi.fn(async () => {}),
  } as unknown as Tracker;
}

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

describe('BuyButton (client component)', () => {
  it('tracks order_created with a fresh order id as its event id and shows it', () => {
    const tracker = fakeTracker(true);
    act(() => root.render(createElement(BuyButton, { product, tracker })));
    act(() => container.querySelector('button')?.click());

    expect(tracker.track).toHaveBeenCalledTimes(1);
    const [name, data, options] = vi.mocked(tracker.track).mock.calls[0] ?? [];
    expect(name).toBe('order_created');
    expect(data).toEqual({ value: '25.99', currency: 'USD', contents: [{ id: 'sku-1', name: 'Mug', quantity: 1, value: '25.99' }] });
    expect(options?.eventId).toMatch(/^ORD-[0-9A-F]{8}$/);
    expect(container.querySelector('[role=status]')?.textContent).toBe(`Order ${options?.eventId} tracked (event ${options?.eventId})`);
  });

  it('says so when the tracker did not track (no consent)', () => {
    act(() => root.render(createElement(BuyButton, { product, tracker: fakeTracker(false) })));
    act(() => container.querySelector('button')?.click());
    expect(container.querySelector('[role=status]')?.textContent).toMatch(/not tracked \(no consent\)$/);
  });
});

describe('ConsentBanner', () => {
  it('passes the choice to setConsent and hides itself', () => {
    const tracker = fakeTracker(false);
    act(() => root.render(createElement(ConsentBanner, { tracker })));
    const accept = [...container.querySelectorAll('button')].find((b) => b.textContent === 'Accept');
    act(() => accept?.click());
    expect(tracker.setConsent).toHaveBeenCalledWith('granted');
    expect(container.querySelector('aside')).toBeNull();
  });
});
