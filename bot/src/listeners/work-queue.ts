// Work after an ack runs a few at a time, each started from setImmediate: a burst of commands gets all its
// acks out first instead of interleaving them with dozens of half-done restores on the one event loop.

export interface WorkQueue {
  /** Runs `fn` when a slot is free; resolves or rejects with it. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  readonly size: number;
}

export const createWorkQueue = (concurrency: number): WorkQueue => {
  const waiting: (() => void)[] = [];
  let running = 0;
  let idleWaiters: (() => void)[] = [];
  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      running++;
      const start = waiting.shift();
      setImmediate(() => start?.());
    }
    if (running === 0 && waiting.length === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };
  return {
    run: <T>(fn: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          fn()
            .then(resolve, reject)
            .finally(() => {
              running--;
              pump();
            });
        });
        pump();
      }),
    idle: () =>
      running === 0 && waiting.length === 0
        ? Promise.resolve()
        : new Promise<void>((r) => idleWaiters.push(r)),
    get size() {
      return running + waiting.length;
    },
  };
};
