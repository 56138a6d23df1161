/**
 * Sliding-window rate limiting with two fixed-window counters (the approach Cloudflare
 * describes in "How we built rate limiting capable of scaling to millions of domains"):
 * the count in the last window is estimated as the previous window's count weighted by
 * the part of it still inside the sliding window, plus the current window's count. Two
 * integers per key, one atomic round trip, no burst of 2x at a window boundary.
 */
export interface WindowCounts {
  /** Hits in the current fixed window, including this one. */
  current: number;
  /** Hits in the previous fixed window. */
  previous: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** 0 when allowed; otherwise when the estimate drops back under the limit. */
  retryAfterMs: number;
}

export function windowPosition(nowMs: number, windowMs: number): { index: number; elapsedMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

export function slidingWindowDecision(counts: WindowCounts, limit: number, windowMs: number, elapsedMs: number): RateDecision {
  const previousWeight = (windowMs - elapsedMs) / windowMs;
  const estimate = counts.previous * previousWeight + counts.current;
  if (estimate <= limit) return { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - estimate)), retryAfterMs: 0 };
  const untilWindowEnd = windowMs - elapsedMs;
  let retryAfterMs: number;
  if (counts.current <= limit && counts.previous > 0) {
    // The previous window's weight fades until the estimate fits, within this window.
    retryAfterMs = untilWindowEnd - ((limit - counts.current) * windowMs) / counts.previous;
  } else {
    // Only the next window helps: this window's hits then fade the same way.
    retryAfterMs = untilWindowEnd + windowMs * (1 - limit / counts.current);
  }
  return { allowed: false, limit, remaining: 0, retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) };
}
