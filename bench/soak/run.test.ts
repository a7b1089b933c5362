import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Keeps bench/soak from rotting: a short soak with a busy chaos loop must print its figures, exit 0, and
// leave repositories that restic check finds clean (integrity holds whatever the machine's speed).

const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
const run = promisify(execFile);

describe('bench/soak', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-soak-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('runs scheduled ticks against a REST server that is killed and restarted, and counts what happened', async () => {
    const { stdout } = await run(
      process.execPath,
      [script, '--runs', '5', '--chaos-ms', '1500-3000', '--down-ms', '50-300', '--out', out],
      { timeout: 150_000 },
    );
    const number = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
    const runs = number(/^runs +(\d+) in \d+\.\d s/m);
    const killed = number(/server killed (\d+) times/);
    const first = number(/^first try (\d+)/m);
    const retried = number(/^retried +(\d+) succeeded after retry/m);
    const failed = number(/^failed +(\d+)/m);
    expect(runs).toBe(5);
    expect(killed).toBeGreaterThan(0);
    expect(first + retried + failed).toBe(5);
    expect(stdout).toMatch(/^rate +\d+\.\d\d % succeeded \(goal ≥ 99\.9 %\)/m);
    expect(stdout).toMatch(/^check +soak-a: clean, \d+ snapshots kept/m);
    expect(stdout).toMatch(/^goal +(PASS|MISS)/m);
    expect(stdout).toMatch(/^load +\d+\.\d+ \d+\.\d+ \d+\.\d+ at the end/m);
  }, 180_000);

  it.each([
    [['--runs', 'many'], /--runs "many" is not 1-100000/],
    [['--chaos-ms', '9-1'], /--chaos-ms "9-1" is not MIN-MAX in ms/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const failed = await run(process.execPath, [script, ...args, '--out', out]).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr.split('\n')[0]).toMatch(message);
  });
});
