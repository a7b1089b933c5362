import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './work-queue.js';

describe('work queue', () => {
  it('never runs more than its concurrency at once, keeps order, and reports idle', async () => {
    const q = createWorkQueue(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => q.run(job(i))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(q.size).toBe(0);
    await q.idle();
  });

  it('passes a failure to its caller and keeps going', async () => {
    const q = createWorkQueue(1);
    const failed = q.run(async () => {
      throw new Error('boom');
    });
    const ok = q.run(async () => 'fine');
    await expect(failed).rejects.toThrow('boom');
    await expect(ok).resolves.toBe('fine');
  });
});
