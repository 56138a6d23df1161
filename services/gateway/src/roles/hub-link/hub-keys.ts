import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '@tessera/common';
import { parseVerifyKeys, type VerifyKeySet, type VerifyKeySource } from '../../access/verify-keys';
import type { HubLink } from './hub-link';

/** Least time between two fetches prompted by unknown kids (a flood of forged kids must not flood the hub). */
const UNKNOWN_KID_REFETCH_MS = 10_000;

/**
 * The token verify keys the hub publishes (GET /api/auth/keys), kept in memory and in
 * HUB_KEYS_CACHE_FILE, fetched at start, every HUB_KEYS_REFRESH_SECONDS, and at once (at
 * most every 10 s) when a token names a kid this node does not know: a key rotation on the
 * hub reaches the node without a restart, and a hub outage (even across a node restart,
 * with the file) does not stop tokens from being verified.
 */
export class HubKeys implements VerifyKeySource {
  private keys: VerifyKeySet | undefined;
  private lastFetchAt = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: HubLink,
    private readonly options: { cacheFile: string; refreshMs: number },
    private readonly logger: Logger,
  ) {}

  /** Loads the cached file, then tries the hub; a hub outage at start is logged, not fatal. */
  async start(): Promise<void> {
    if (this.options.cacheFile && existsSync(this.options.cacheFile)) {
      try {
        this.keys = parseVerifyKeys(readFileSync(this.options.cacheFile, 'utf8'));
      } catch (error) {
        this.logger.warn({ err: (error as Error).message, file: this.options.cacheFile }, 'the cached hub verify keys cannot be used; fetching them again');
      }
    }
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get known(): number {
    return this.keys?.keys.size ?? 0;
  }

  async keyFor(kid: string): Promise<KeyObject | undefined> {
    const key = this.keys?.keys.get(kid);
    if (key) return key;
    if (Date.now() - this.lastFetchAt >= UNKNOWN_KID_REFETCH_MS) await this.refresh();
    return this.keys?.keys.get(kid);
  }

  /** One fetch at a time; failures keep the keys already known. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<void> {
    this.lastFetchAt = Date.now();
    try {
      const answer = await this.hub.request({ method: 'GET', path: '/api/auth/keys' });
      if (answer.status !== 200) throw new Error(`GET /api/auth/keys answered ${answer.status}`);
      const list = (answer.body as { keys?: unknown } | undefined)?.keys;
      const raw = JSON.stringify(list);
      const keys = parseVerifyKeys(raw);
      this.keys = keys;
      if (this.options.cacheFile) {
        mkdirSync(dirname(this.options.cacheFile), { recursive: true });
        const temporary = `${this.options.cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, raw + '\n', { mode: 0o644 });
        renameSync(temporary, this.options.cacheFile);
      }
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, hub: this.hub.url, cachedKeys: this.known }, "could not fetch the hub's token verify keys; keeping the ones known");
    }
  }
}
