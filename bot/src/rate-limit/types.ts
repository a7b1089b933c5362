// A per-user allowance so one user (or a stuck client) cannot flood the runners with requests.

export interface RateLimiterOptions {
  /** Tokens refilled per minute, and the bucket's size. */
  perMinute: number;
  /** Bucket size when it should differ from perMinute. */
  burst?: number;
  now?: () => number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(userId: string): RateDecision;
}
