/**
 * `@x/openai-capi-node/redis`: a Redis-backed {@link EventStore} for `createClient({ store })`, so
 * several processes (web servers, a worker) share one durable queue. Needs a connected node-redis
 * client (`redis` v5 or later, an optional peer dependency of this package).
 *
 * @packageDocumentation
 */
export { createRedisStore, type RedisCommandClient, type RedisStoreOptions } from './redis-store.js';
export { CapiStoreError, type EventStore, type StoredEvent, type StoreOpened, type StoreProblem } from './store.js';
