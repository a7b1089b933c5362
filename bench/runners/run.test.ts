import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Keeps bench/runners from rotting: a tiny run (8 MiB, one run each) must print every figure and exit 0.
// Timings are printed, never asserted: the goal's PASS/MISS depends on the machine.

const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
const run = promisify(execFile);

const FIGURE = (name: string) =>
  new RegExp(
    `^${name} +lifeboat (\\d+\\.\\d+) s {2}bare (\\d+\\.\\d+) s {2}ratio (\\d+\\.\\d+) {2}goal ≤ 1\\.05: (PASS|MISS)`,
    'm',
  );

describe('bench/runners', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-runners-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('prints backup, restore and capture figures against the bare tools, and the load', async () => {
    const { stdout } = await run(process.execPath, [script, '--size', '8M', '--runs', '1', '--out', out], {
      timeout: 150_000,
    });
    for (const name of ['backup', 'restore', 'capture']) {
      const m = FIGURE(name).exec(stdout);
      expect(m, `${name} line in:\n${stdout}`).not.toBeNull();
      const [lifeboat, bare, ratio] = [m?.[1], m?.[2], m?.[3]].map(Number);
      expect(lifeboat).toBeGreaterThan(0);
      expect(bare).toBeGreaterThan(0);
      expect(ratio).toBeCloseTo((lifeboat as number) / (bare as number), 1);
    }
    expect(stdout).toMatch(/lifeboat read the partition via: (loop-device|scratch-copy)$/m);
    expect(stdout).toMatch(/^ +drill overhead \(job − its restore\): median -?\d+\.\d+ s \(/m);
    expect(stdout).toMatch(/^machine +\d+ CPUs, load \d+\.\d+ \d+\.\d+ \d+\.\d+/m);
    expect(stdout).toMatch(/^load +\d+\.\d+ \d+\.\d+ \d+\.\d+ at the end/m);
    expect(stdout).toMatch(/^summary +\d of 3 within 1\.05×/m);
    // The generated data stays for the next run; the scratch work directory does not.
    expect((await readdir(out)).sort()).toEqual(
      expect.arrayContaining(['data-8388608', 'disk.img', 'fs.img', 'last-run.json']),
    );
    expect(await readdir(out)).not.toContain('work');
  }, 180_000);

  it.each([
    [['--size', 'lots'], /--size "lots" is not a size/],
    [['--runs', '0'], /--runs "0" is not 1-50/],
    [['--only', 'backup,dance'], /--only: "dance" is not one of/],
    [['--backend', 'ftp'], /--backend "ftp" is not rest or local/],
    [['--capture-via', 'dd'], /--capture-via "dd" is not auto or copy/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const failed = await run(process.execPath, [script, ...args, '--out', out]).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr.split('\n')[0]).toMatch(message);
  });
});
