import { describe, expect, it } from 'vitest';
import { hasGlobalPrivacyControl, initialConsent, isConsentDecision } from './consent.js';

const gpcOn = { globalPrivacyControl: true } as unknown as Navigator;
const gpcOff = { globalPrivacyControl: false } as unknown as Navigator;

describe('consent', () => {
  it('accepts granted/denied as decisions and nothing else', () => {
    expect(isConsentDecision('granted')).toBe(true);
    expect(isConsentDecision('denied')).toBe(true);
    for (const bad of ['pending', 'GRANTED', true, undefined, null]) expect(isConsentDecision(bad)).toBe(false);
  });

  it('reads GPC only when it is exactly true', () => {
    expect(hasGlobalPrivacyControl(gpcOn)).toBe(true);
    expect(hasGlobalPrivacyControl(gpcOff)).toBe(false);
    expect(hasGlobalPrivacyControl({ globalPrivacyControl: 'true' } as unknown as Navigator)).toBe(false);
    expect(hasGlobalPrivacyControl(undefined)).toBe(false);
  });

  it('starts pending by default, or as requested', () => {
    expect(initialConsent(undefined, hasGlobalPrivacyControl(gpcOff))).toBe('pending');
    expect(initialConsent('granted', hasGlobalPrivacyControl(gpcOff))).toBe('granted');
    expect(initialConsent('denied', hasGlobalPrivacyControl(gpcOff))).toBe('denied');
    expect(initialConsent('bogus' as never, hasGlobalPrivacyControl(gpcOff))).toBe('pending');
  });

  it('GPC is a denial when honoured, ignored when not', () => {
    expect(initialConsent('granted', hasGlobalPrivacyControl(gpcOn))).toBe('denied');
    expect(initialConsent(undefined, hasGlobalPrivacyControl(gpcOn))).toBe('denied');
    expect(initialConsent('granted', false)).toBe('granted');
  });
});
