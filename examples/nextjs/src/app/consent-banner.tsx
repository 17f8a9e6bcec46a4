'use client';

import { useState } from 'react';
import type { Tracker } from '@x/openai-capi-browser';
import { getTracker } from '../lib/tracker';

/** Accept / reject: drives `tracker.setConsent`. Hidden once the visitor has chosen. */
export function ConsentBanner({ tracker }: { tracker?: Tracker }) {
  const [decided, setDecided] = useState(false);
  if (decided) return null;
  const choose = (state: 'granted' | 'denied') => {
    (tracker ?? getTracker()).setConsent(state);
    setDecided(true);
  };
  return (
    <aside aria-label="Cookie consent">
      <p>May we use a first-party cookie to credit the ChatGPT ad that brought you here?</p>
      <button type="button" onClick={() => choose('denied')}>Reject</button>
      <button type="button" onClick={() => choose('granted')}>Accept</button>
    </aside>
  );
}
