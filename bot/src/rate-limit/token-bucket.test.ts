import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './token-bucket.js';

describe('createRateLimiter', () => {
  it('allows a burst, refuses the next, refills over time', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('U1').allowed)).toEqual([true, true, true]);
    expect(limiter.take('U1')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    t += 10_000;
    expect(limiter.take('U1')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    t += 10_000;
    expect(limiter.take('U1')).toEqual({ allowed: true, remaining: 0 });
    t += 60 * 60_000;
    expect(limiter.take('U1')).toEqual({ allowed: true, remaining: 2 });
  });

  it('keeps users apart', () => {
    const limiter = createRateLimiter({ perMinute: 1, now: () => 0 });
    expect(limiter.take('U1').allowed).toBe(true);
    expect(limiter.take('U1').allowed).toBe(false);
    expect(limiter.take('U2').allowed).toBe(true);
  });

  it('honours a burst size different from the rate', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('U1').allowed)).toEqual([true, true, false]);
    t += 1000;
    expect(limiter.take('U1').allowed).toBe(true);
  });

  it('does not go wrong when the clock steps back', () => {
    let t = 100_000;
    const limiter = createRateLimiter({ perMinute: 1, now: () => t });
    expect(limiter.take('U1').allowed).toBe(true);
    t = 0;
    expect(limiter.take('U1').allowed).toBe(false);
  });
});
