import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempRoot } from './temp-root.js';

let seen = '';

describe('useTempRoot', () => {
  useTempRoot('temp-root-test', async (dir) => {
    seen = dir;
    await writeFile(join(dir, 'made-in-ready.txt'), 'x');
  });

  it('hands a new directory under the system temp directory to ready, before the tests', () => {
    expect(seen.startsWith(join(tmpdir(), 'lifeboat-temp-root-test-'))).toBe(true);
    expect(existsSync(join(seen, 'made-in-ready.txt'))).toBe(true);
  });
});

// Runs after the describe block's own teardown.
afterAll(() => {
  expect(seen).not.toBe('');
  expect(existsSync(seen)).toBe(false);
});
