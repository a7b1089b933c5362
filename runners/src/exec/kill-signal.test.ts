import { describe, expect, it } from 'vitest';
import { exec } from './exec.js';

describe('exec killSignal', () => {
  it('sends the chosen signal on cancellation, so a tool can clean up (restic removes its lock on SIGINT)', async () => {
    const controller = new AbortController();
    // Abort once the shell says its trap is set: an earlier SIGINT would kill it before it could clean up.
    const r = await exec(
      'sh',
      ['-c', 'trap "echo cleaned up; exit 130" INT; echo trapped; while :; do sleep 0.05; done'],
      {
        signal: controller.signal,
        killSignal: 'SIGINT',
        onStdoutLine: (line) => {
          if (line === 'trapped') controller.abort();
        },
      },
    );
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toBe('trapped\ncleaned up\n');
  });

  it('defaults to SIGTERM', async () => {
    const r = await exec('sleep', ['5'], { timeoutMs: 100 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
  });
});
