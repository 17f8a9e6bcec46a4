/**
 * Reading GA4 events out of `dataLayer` entries, for `connectDataLayer`: GTM's form
 * (`{ event, ecommerce }`, with `ecommerce` merged into a model the way GTM's data model merges it,
 * and reset by `ecommerce: null`) and gtag's form (its `arguments`: `['event', name, params]`).
 */

/** What one entry holds: an event name (anything: the caller keeps only the names it tracks), its params, and whether it came in gtag's form. */
export type FoundGa4Event = [name: unknown, params: unknown, gtag: boolean];

/** What GTM's data model holds of `ecommerce` so far (`undefined` after a reset). */
export interface EcommerceState {
  ecommerce?: unknown;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads one entry: updates `state` like GTM's data model (a recursive merge of `ecommerce`, arrays
 * merged by index as GTM does, which is why GA4 asks for `ecommerce: null` before each event), and
 * returns the event name the entry carries (`undefined` for none) with its params. The model holds
 * copies, never the page's objects.
 */
export function readGa4Event(entry: unknown, state: EcommerceState): FoundGa4Event {
  const fields = (entry ?? {}) as Obj;
  // gtag pushes its `arguments`: ['event', name, params].
  if (fields[0] === 'event') return [fields[1], fields[2] ?? {}, true];
  if (isObject(entry) && Object.hasOwn(entry, 'ecommerce')) {
    const ecommerce = fields['ecommerce'];
    // `null` is GA4's reset; anything else that is no object replaces the model, as in GTM.
    state.ecommerce = isObject(ecommerce) ? merge(ecommerce, isObject(state.ecommerce) ? state.ecommerce : {}) : ecommerce;
  }
  return [fields['event'], state.ecommerce ?? {}, false];
}

/** GTM's merge: objects and arrays recursively (arrays by index), anything else replaced. */
function merge(from: object, to: Obj): Obj {
  for (const key of Object.keys(from)) {
    // `__proto__`, `constructor` and the like are never copied: assigning them could change a prototype.
    if (key in Object.prototype || key === 'prototype') continue;
    const value = (from as Obj)[key];
    const kind = Array.isArray(value) ? [] : isObject(value) ? {} : undefined;
    if (kind) {
      if (Array.isArray(to[key]) !== Array.isArray(kind) || typeof to[key] !== 'object' || to[key] === null) to[key] = kind;
      merge(value as object, to[key] as Obj);
    } else {
      to[key] = value;
    }
  }
  return to;
}
