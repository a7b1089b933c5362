import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Keeps `npm run bench:bot` working: a tiny run must print both latencies, the ratio and the verdicts, and
// account for every request it sent. (It uses the built packages: `tsc -b` runs before the tests.)

const script = fileURLToPath(new URL('./run.mjs', import.meta.url));

const run = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [script, ...args], { timeout: 150_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });

describe('bench/bot tiny mode', () => {
  it('prints p50/p99 for both apps, the ratio, PASS/MISS lines, and exits 0', {
    timeout: 180_000,
  }, async () => {
    const { code, stdout, stderr } = await run(['--requests', '10', '--concurrency', '5']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^bare Bolt\s+p50\s+[\d.]+ ms\s+p99\s+[\d.]+ ms/m);
    expect(stdout).toMatch(/^lifeboat bot\s+p50\s+[\d.]+ ms\s+p99\s+[\d.]+ ms/m);
    expect(stdout).toMatch(/^ratio p99 lifeboat\/bare \d+\.\d\d/m);
    expect(stdout).toMatch(/^(PASS|MISS) p99 /m);
    expect(stdout).toMatch(/^(PASS|MISS) ratio /m);
    expect(stdout).toMatch(/load average [\d.]+/);
    expect(stdout).toContain('requests recorded by the bot: 20 (expected 20); GitHub dispatches: 20');
  });

  it('refuses a bad --requests value with exit 2', async () => {
    const { code, stderr } = await run(['--requests', 'many']);
    expect(code).toBe(2);
    expect(stderr).toContain('--requests needs a positive integer');
  });
});
