/**
 * Consent states and Global Privacy Control. Consent is kept apart from the click-id cookie it
 * governs (posthog-js `consent.ts`): the tracker asks here, the cookie code never decides.
 */

/** `pending` until the site (or its consent banner) says otherwise. */
export type ConsentState = 'pending' | 'granted' | 'denied';

/** A decision the site can make: {@link ConsentState} minus `pending`. */
export type ConsentDecision = 'granted' | 'denied';

/** True for `'granted'` or `'denied'`. */
export function isConsentDecision(value: unknown): value is ConsentDecision {
  return value === 'granted' || value === 'denied';
}

/**
 * True when the browser sends the Global Privacy Control signal (`navigator.globalPrivacyControl
 * === true`), a legal opt-out of sale/sharing in several US states (California, Colorado…).
 */
export function hasGlobalPrivacyControl(navigator: Navigator | undefined): boolean {
  return (navigator as { globalPrivacyControl?: unknown } | undefined)?.globalPrivacyControl === true;
}

/**
 * The consent a tracker starts with: `denied` when Global Privacy Control denies (it is on and
 * honoured), else the site's initial state (default `pending`).
 */
export function initialConsent(requested: ConsentState | undefined, gpcDenies: boolean): ConsentState {
  return gpcDenies ? 'denied' : isConsentDecision(requested) ? requested : 'pending';
}
