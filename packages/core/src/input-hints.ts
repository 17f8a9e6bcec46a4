/**
 * "Did you mean" hints for misspelt input fields (`source_url` → `sourceUrl`, `eventName` → `type`,
 * `key` → `id`): the unknown-field message of `buildEvent` names the input field the user most
 * likely meant, in the input's own words.
 */

// Names other integrations or older versions of this SDK use, and the input fields that may hold
// them (the first one the caller knows is suggested). Kept short: it ships in the browser bundle.
const ID = ['id', 'eventId'];
const TYPE = ['type'];
const MONEY = ['value', 'amount'];
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  key: ID,
  event_id: ID,
  transaction_id: ID,
  order_id: ID,
  orderId: ID,
  eventName: TYPE,
  event_name: TYPE,
  event: TYPE,
  url: ['sourceUrl'],
  timestamp_ms: ['timestamp'],
  price: MONEY,
  total: MONEY,
  revenue: MONEY,
  items: ['contents'],
};

// Extra words for an alias whose story the user needs (a field that is gone).
const NOTES: Readonly<Record<string, string>> = {
  key: ': pass the order or lead id itself, sent as given (key is gone)',
  eventName: ' (or customEventName for a custom event)',
  event_name: ' (or customEventName for a custom event)',
};

/** `snake_case` → `camelCase`, as the input names wire fields. */
export function toCamel(name: string): string {
  return name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
}

/**
 * The input field a misspelt `key` most likely meant among `known`, as a message suffix
 * (` (did you mean sourceUrl?)`), or `''` when nothing is close: an alias, the camelCase form of a
 * snake_case wire name, the same name in another case, or a known name one or two edits away.
 */
export function didYouMean(key: string, known: readonly string[]): string {
  const hint = nearest(key, known);
  if (hint === undefined) return '';
  const note = Object.prototype.hasOwnProperty.call(NOTES, key) && ALIASES[key]?.includes(hint) ? NOTES[key] : '';
  return ` (did you mean ${hint}?${note})`;
}

function nearest(key: string, known: readonly string[]): string | undefined {
  const alias = Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key]?.find((name) => known.includes(name)) : undefined;
  if (alias !== undefined) return alias;
  const camel = toCamel(key);
  if (camel !== key && known.includes(camel)) return camel;
  const lower = key.toLowerCase();
  const sameCase = known.find((name) => name.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  if (key.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = distance(lower, name.toLowerCase(), bestDistance);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once it reaches `cap`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      next.push(v);
      if (v < min) min = v;
    }
    if (min >= cap) return cap;
    row = next;
  }
  return Math.min(row[b.length]!, cap);
}
