// The shared tracker the docs import as './tracker' (docs/browser.md defines it the same way).
import { createTracker } from '@x/openai-capi-browser';

export const tracker = createTracker({ endpoint: '/api/openai-capi' });
