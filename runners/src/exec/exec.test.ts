import { describe, expect, it } from 'vitest';
import { exec } from './exec.js';

describe('exec', () => {
  it('runs argv without a shell: metacharacters are plain arguments', async () => {
    const r = await exec('printf', ['%s|', '$(echo no)', '; rm -rf /', '*']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('$(echo no)|; rm -rf /|*|');
  });

  it('passes secrets through env, sets LC_ALL=C', async () => {
    const r = await exec('sh', ['-c', 'printf "%s %s" "$SECRET" "$LC_ALL"'], { env: { SECRET: 's3cr3t' } });
    expect(r.stdout).toBe('s3cr3t C');
  });

  it('streams \\r- and \\n-separated lines', async () => {
    const lines: string[] = [];
    await exec('printf', ['a\rb\nc\r\nd'], { onStdoutLine: (l) => lines.push(l) });
    expect(lines).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reports exit codes, timeouts, cancellation and missing programs', async () => {
    expect((await exec('sh', ['-c', 'exit 3'])).exitCode).toBe(3);
    const slow = await exec('sleep', ['5'], { timeoutMs: 100 });
    expect(slow.timedOut).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await exec('sleep', ['5'], { signal: controller.signal });
    expect(cancelled.cancelled).toBe(true);
    const missing = await exec('definitely-not-a-lifeboat-tool', []);
    expect(missing.spawnFailed).toBe(true);
  });
});
