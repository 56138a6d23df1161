import type { NextFunction, Request, Response } from 'express';
import { rateLimitMessage, type RateLimiter } from './rate-limiter';
import type { RateDecision } from './sliding-window.util';

export function setRateHeaders(response: Response, decision: RateDecision) {
  response.setHeader('RateLimit-Limit', String(decision.limit));
  response.setHeader('RateLimit-Remaining', String(decision.remaining));
}

/**
 * The per-IP limit, before authentication, so floods of bad tokens and password guesses are
 * limited too. Probes and scrapes (/health, /metrics) are not limited.
 */
export function ipRateLimitMiddleware(limiter: RateLimiter, limit: number) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!request.path.startsWith('/api/')) return next();
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    limiter.check('ip', ip, limit).then(
      (decision) => {
        setRateHeaders(response, decision);
        if (decision.allowed) return next();
        const seconds = Math.ceil(decision.retryAfterMs / 1000);
        response.setHeader('Retry-After', String(seconds));
        response.status(429).json({ statusCode: 429, error: 'Too Many Requests', message: rateLimitMessage('ip', decision, limiter.windowMs), retryAfterSeconds: seconds });
      },
      (error) => next(error),
    );
  };
}
