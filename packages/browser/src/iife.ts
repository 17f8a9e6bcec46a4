/**
 * Entry of the script-tag build `dist/openai-capi.iife.js`: core is bundled in and everything
 * below becomes `window.OpenAICapi` (e.g. `OpenAICapi.createTracker({ endpoint: '/api/openai-capi' })`).
 */
export * from './index.js';
