import { describe, expect, it } from 'vitest';
import { exec } from './exec.js';

describe('exec killSignal', () => {
  it('sends the chosen signal on cancellation, so a tool can clean up (restic removes its lock on SIGINT)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await exec('sh', ['-c', 'trap "echo cleaned up; exit 130" INT; while :; do sleep 0.05; done'], {
      signal: controller.signal,
      killSignal: 'SIGINT',
    });
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toBe('cleaned up\n');
  });

  it('defaults to SIGTERM', async () => {
    const r = await exec('sleep', ['5'], { timeoutMs: 100 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
  });
});
