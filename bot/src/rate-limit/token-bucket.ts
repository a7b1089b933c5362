import type { RateDecision, RateLimiter, RateLimiterOptions } from './types.js';

// Token bucket per user: a burst is fine, a flood is not; refills continuously so nobody waits a full minute.

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets idle long enough to be full again are dropped, so memory stays bounded by active users. */
const MAX_BUCKETS = 10_000;

export const createRateLimiter = (options: RateLimiterOptions): RateLimiter => {
  const now = options.now ?? Date.now;
  const capacity = Math.max(1, options.burst ?? options.perMinute);
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const prune = (t: number) => {
    for (const [user, b] of buckets) {
      if (b.tokens + (t - b.at) * perMs >= capacity) buckets.delete(user);
    }
  };
  return {
    take(userId: string): RateDecision {
      const t = now();
      if (buckets.size > MAX_BUCKETS) prune(t);
      const b = buckets.get(userId) ?? { tokens: capacity, at: t };
      const tokens = Math.min(capacity, b.tokens + Math.max(0, t - b.at) * perMs);
      if (tokens >= 1) {
        buckets.set(userId, { tokens: tokens - 1, at: t });
        return { allowed: true, remaining: Math.floor(tokens - 1) };
      }
      buckets.set(userId, { tokens, at: t });
      const waitMs = perMs > 0 ? (1 - tokens) / perMs : Number.POSITIVE_INFINITY;
      return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    },
  };
};
