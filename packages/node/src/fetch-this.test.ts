import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { FetchLike } from './platform.js';
import { baseOptions, wireEvent } from './__tests__/helpers.js';

describe('fetch is called as a plain function', () => {
  it('never with the client options as `this` (workerd\'s fetch throws "Illegal invocation" then)', async () => {
    // A strict-mode function sees its real `this`; workerd's native fetch refuses any object but the global.
    const thisValues: unknown[] = [];
    const fetch: FetchLike = function (this: unknown) {
      'use strict';
      thisValues.push(this);
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const client = createClient({ ...baseOptions(), fetch });
    const report = await client.send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
    expect(thisValues).toEqual([undefined]);
  });
});
