/**
 * Micro-benchmarks of the hot paths of core (not part of the build, not type-checked with core: it
 * uses node:crypto and tinybench). Run directly: `npx tsx packages/core/src/core.bench.ts`, or import
 * `benchCore()` from a bench runner script.
 */
import { createHash } from 'node:crypto';
import { Bench } from 'tinybench';
import type { Hasher, UserInput, WireEvent } from './types.js';
import { hashUser } from './user.js';
import { validateEvent } from './validate.js';

/** One measured operation: its name and mean operations per second. */
export interface BenchResult {
  name: string;
  opsPerSec: number;
}

const NOW = 1_773_892_860_000;

/** A typical user: email, phone, external id, two names and geo. */
export const TYPICAL_USER: UserInput = {
  email: ' Ada.Lovelace+shop@Example.COM ',
  phone: '+44 (20) 7946-0958',
  externalId: 'customer_123',
  firstName: 'Ada',
  lastName: "O'Lovelace",
  city: 'London',
  region: 'England',
  postalCode: 'SW1A 1AA',
  country: 'gb',
  ipAddress: '203.0.113.1',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15',
};

/** A typical `order_created` wire event with 3 items. */
export const TYPICAL_ORDER: WireEvent = {
  id: 'order_12345',
  type: 'order_created',
  timestamp_ms: NOW - 60_000,
  oppref: 'oppref_abc',
  source_url: 'https://shop.example.com/checkout/confirmation',
  action_source: 'web',
  user: hashUser(TYPICAL_USER),
  data: {
    type: 'contents',
    amount: 7205,
    currency: 'USD',
    contents: [
      { id: 'sku_1', name: 'Shirt', content_type: 'product', quantity: 3, amount: 1001, currency: 'USD' },
      { id: 'sku_2', name: 'Hat', content_type: 'product', quantity: 1, amount: 2502, variant_dict: { color: 'green' } },
      { id: 'sku_3', group_id: 'socks', content_type: 'product', quantity: 2, amount: 850 },
    ],
  },
};

const nodeHasher: Hasher = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Measures `hashUser` (default noble hasher, and a node:crypto hasher) and `validateEvent`.
 * @param timeMs - minimum measuring time per task (default 500 ms)
 */
export async function benchCore(timeMs = 500): Promise<BenchResult[]> {
  const bench = new Bench({ name: 'core', time: timeMs, warmupTime: 100 });
  bench
    .add('hashUser (noble sha256)', () => {
      hashUser(TYPICAL_USER);
    })
    .add('hashUser (node:crypto sha256)', () => {
      hashUser(TYPICAL_USER, { hasher: nodeHasher });
    })
    .add('validateEvent (order_created, 3 items)', () => {
      const result = validateEvent(TYPICAL_ORDER, { now: NOW });
      if (!result.ok) throw new Error(`bench fixture is invalid: ${JSON.stringify(result.issues)}`);
    });
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') {
      throw new Error(`bench task ${task.name} ${result.state === 'errored' ? `failed: ${result.error.message}` : result.state}`);
    }
    return { name: task.name, opsPerSec: Math.round(1000 / result.period) };
  });
}

const argv1 = (globalThis as { process?: { argv?: string[] } }).process?.argv?.[1] ?? '';
if (argv1 !== '' && import.meta.url.endsWith(argv1.replace(/\\/g, '/').split('/').pop() ?? '\0')) {
  for (const { name, opsPerSec } of await benchCore()) console.log(`${name.padEnd(42)} ${opsPerSec.toLocaleString('en-US')} ops/s`);
}
