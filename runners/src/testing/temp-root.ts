import { beforeAll } from 'vitest';
import { makeTempDir } from './disk-images.js';

// One temporary root per test file or describe block, made before its tests and removed after them: the
// jobs' tests each wrote this beforeAll/afterAll pair by hand.

/**
 * In a beforeAll: makes `lifeboat-<name>-XXXXXX` under the system temp directory and hands it to `ready`
 * (which keeps the path and fills the directory); after the suite's tests it is removed, also when `ready`
 * failed.
 */
export const useTempRoot = (
  name: string,
  ready: (dir: string) => void | Promise<void>,
  /** For a `ready` that does slow work (real backups); vitest's hook timeout otherwise. */
  timeoutMs?: number,
): void => {
  beforeAll(async () => {
    const dir = await makeTempDir(`lifeboat-${name}-`);
    try {
      await ready(dir.path);
    } catch (error) {
      await dir.remove();
      throw error;
    }
    // vitest runs what beforeAll returns after the suite's last test.
    return dir.remove;
  }, timeoutMs);
};
