import type { Redis } from 'ioredis';
import type { WindowCounts } from './sliding-window.util';

/** Where the per-window counters live. */
export interface WindowStore {
  /** Counts one hit in window `index` of `key` and returns it with the previous window's count. */
  hit(key: string, index: number, windowMs: number): Promise<WindowCounts>;
  close(): Promise<void>;
}

// INCR the current window, expire it after two windows, read the previous one: atomic.
const HIT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return {current, previous}
`;

/** Counters in Redis, shared by every gateway replica. Keys are hash-tagged for Redis Cluster. */
export class RedisWindowStore implements WindowStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('tesseraRateHit', { numberOfKeys: 2, lua: HIT_SCRIPT });
  }

  async hit(key: string, index: number, windowMs: number): Promise<WindowCounts> {
    const base = `${this.prefix}:{${key}}`;
    const [current, previous] = (await (this.redis as unknown as { tesseraRateHit(...args: unknown[]): Promise<[number, number]> }).tesseraRateHit(`${base}:${index}`, `${base}:${index - 1}`, String(windowMs * 2))) ?? [0, 0];
    return { current: Number(current), previous: Number(previous) };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Counters in this process only: the all-in-one `npm start`, which runs a single gateway. */
export class MemoryWindowStore implements WindowStore {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async hit(key: string, index: number, windowMs: number): Promise<WindowCounts> {
    const now = this.clock();
    const currentKey = `${key}:${index}`;
    const entry = this.counters.get(currentKey);
    const count = entry && entry.expiresAt > now ? entry.count + 1 : 1;
    this.counters.set(currentKey, { count, expiresAt: now + windowMs * 2 });
    const previous = this.counters.get(`${key}:${index - 1}`);
    return { current: count, previous: previous && previous.expiresAt > now ? previous.count : 0 };
  }

  private sweep() {
    const now = this.clock();
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.counters.clear();
  }
}
