import { describe, expect, it } from 'vitest';
import { spawnService } from './exec.js';

describe('spawnService', () => {
  it('runs a long-lived child, streams its lines, and stops it with SIGTERM', async () => {
    const lines: string[] = [];
    const service = spawnService('sh', ['-c', 'echo "ready $GREETING"; echo oops >&2; exec sleep 30'], {
      env: { GREETING: 'hi' },
      onStdoutLine: (l) => lines.push(l),
    });
    expect(service.pid).toBeTypeOf('number');
    await expect.poll(() => lines, { timeout: 10_000 }).toEqual(['ready hi']);
    expect(service.running()).toBe(true);
    const end = await service.stop();
    expect(service.running()).toBe(false);
    expect(end.signal).toBe('SIGTERM');
    expect(end.stderr).toBe('oops\n');
  });

  it('escalates to SIGKILL when the child ignores SIGTERM', async () => {
    const lines: string[] = [];
    const service = spawnService('sh', ['-c', 'trap "" TERM; echo up; while :; do sleep 0.05; done'], {
      onStdoutLine: (l) => lines.push(l),
    });
    // "up" comes after the trap is set: a SIGTERM before it would end the shell and prove nothing.
    await expect.poll(() => lines, { timeout: 10_000 }).toEqual(['up']);
    const end = await service.stop(200);
    expect(end.signal).toBe('SIGKILL');
  });

  it('kill() crashes it at once; a missing program reports spawnFailed', async () => {
    const service = spawnService('sleep', ['30']);
    service.kill();
    expect((await service.exited).signal).toBe('SIGKILL');
    const missing = await spawnService('definitely-not-a-lifeboat-tool', []).exited;
    expect(missing.spawnFailed).toBe(true);
  });
});
