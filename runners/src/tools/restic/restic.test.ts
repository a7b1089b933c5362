import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResticProgress } from './parse.js';
import {
  backup,
  check,
  forget,
  lockRetryDelays,
  passwordProblem,
  type ResticTarget,
  restore,
  unlock,
} from './restic.js';
import { type FakeResticOptions, fakeRestic } from './testing/fake-restic.js';
import { fixture } from './testing/fixtures.js';
import { clearResticVersionCache } from './version.js';

const dirs: string[] = [];
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'lifeboat-restic-unit-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
beforeEach(() => clearResticVersionCache());

const REPO = 'rest:http://backup:s3cr3t@127.0.0.1:1/office/';

const setup = async (options: FakeResticOptions) => {
  const fake = await fakeRestic(await temp(), options);
  const target: ResticTarget = { repository: REPO, env: { RESTIC_PASSWORD: 'pw' }, binary: fake.binary };
  return { fake, target };
};

const FAST = { attempts: 4, initialDelayMs: 40, factor: 2, maxDelayMs: 1_000 };

describe('lock conflicts on restic < 0.16: own retry with backoff, bounded', () => {
  it('retries and succeeds once the lock is gone', async () => {
    const { fake, target } = await setup({
      version: '0.14.0',
      lockedCalls: 2,
      reply: fixture('v0.14', 'check-ok'),
    });
    const waits: number[] = [];
    const started = performance.now();
    const r = await check(target, {}, { lockRetry: FAST, onLockRetry: (w) => waits.push(w.delayMs) });
    expect(r.outcome).toBe('ok');
    expect(waits).toEqual([40, 80]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    expect(r.durationMs).toBeGreaterThanOrEqual(120);
    expect(await fake.calls()).toHaveLength(3);
    expect(r.features).toEqual([]);
  });

  it('gives up after the configured attempts with outcome locked', async () => {
    const { fake, target } = await setup({ version: '0.14.0', lockedCalls: 99 });
    const r = await forget(
      target,
      { keep: { last: 1 }, host: 'h1' },
      { lockRetry: { ...FAST, attempts: 3 } },
    );
    expect(r.outcome).toBe('locked');
    expect(r.outcome !== 'ok' && r.outcome !== 'partial' && r.error.code).toBe('restic.locked');
    expect(r.exitCode).toBe(1);
    expect(await fake.calls()).toHaveLength(3);
  });

  it('does not retry when told not to, and clamps absurd settings', async () => {
    const { fake, target } = await setup({ version: '0.14.0', lockedCalls: 99 });
    expect((await check(target, {}, { lockRetry: false })).outcome).toBe('locked');
    expect(await fake.calls()).toHaveLength(1);
    expect(lockRetryDelays({ attempts: 4, initialDelayMs: 100, factor: 3, maxDelayMs: 500 })).toEqual([
      100, 300, 500,
    ]);
  });

  it('stops waiting when cancelled', async () => {
    const { fake, target } = await setup({ version: '0.14.0', lockedCalls: 99 });
    const controller = new AbortController();
    const r = await check(
      target,
      {},
      {
        signal: controller.signal,
        lockRetry: { attempts: 5, initialDelayMs: 10_000, factor: 1, maxDelayMs: 10_000 },
        onLockRetry: () => setTimeout(() => controller.abort(), 50),
      },
    );
    expect(r.outcome).toBe('cancelled');
    expect(r.durationMs).toBeLessThan(5_000);
    expect(await fake.calls()).toHaveLength(1);
  });

  it('does not start a retry that could not finish inside the overall time limit', async () => {
    const { fake, target } = await setup({ version: '0.14.0', lockedCalls: 99 });
    // The first call must finish inside the limit (so the limit is generous for a loaded machine); the retry
    // delay cannot fit in what is left of it, so no retry starts and no time is spent waiting for one.
    const r = await check(
      target,
      {},
      { timeoutMs: 8_000, lockRetry: { attempts: 10, initialDelayMs: 8_000, factor: 1, maxDelayMs: 8_000 } },
    );
    expect(r.outcome).toBe('locked');
    expect(r.durationMs).toBeLessThan(8_000);
    expect(await fake.calls()).toHaveLength(1);
  });
});

describe('time limits and cancellation', () => {
  it('a run past its time limit is a failure (restic.timeout), not a cancellation', async () => {
    const { target } = await setup({
      version: '0.14.0',
      sleepSeconds: 20,
      reply: fixture('v0.14', 'check-ok'),
    });
    const r = await check(target, {}, { timeoutMs: 300 });
    expect(r.outcome).toBe('failed');
    expect(r.outcome === 'failed' && r.error.code).toBe('restic.timeout');
    // Stopped, not run to its end (20 s): the bound leaves room for a loaded machine.
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it('an aborted run is cancelled', async () => {
    const { target } = await setup({
      version: '0.14.0',
      sleepSeconds: 20,
      reply: fixture('v0.14', 'check-ok'),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await check(target, {}, { signal: controller.signal });
    expect(r.outcome).toBe('cancelled');
    expect(r.durationMs).toBeLessThan(10_000);
  });
});

describe('lock conflicts on restic ≥ 0.16: --retry-lock, no own retry', () => {
  it('passes the whole retry budget to restic and reads exit 11 as locked', async () => {
    const { fake, target } = await setup({ version: '0.17.1', lockedCalls: 99 });
    const r = await check(target, {}, { lockRetry: FAST });
    expect(r.outcome).toBe('locked');
    expect(r.exitCode).toBe(11);
    expect(r.features).toEqual(['retry-lock', 'exit-codes']);
    const calls = await fake.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.argv).toEqual(['--retry-lock=1s', 'check']);
  });
});

describe('environment: repository and password only through env, nothing inherited', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('blanks the runner’s own RESTIC_* variables and never puts the repository in argv', async () => {
    process.env.RESTIC_PASSWORD = 'runner-password-must-not-leak';
    process.env.RESTIC_REPOSITORY_FILE = '/etc/wrong-repo';
    const { fake, target } = await setup({ version: '0.14.0', reply: fixture('v0.14', 'check-ok') });
    const passwordFile = join(await temp(), 'pw');
    await writeFile(passwordFile, 'pw\n');
    const r = await check({
      ...target,
      env: { RESTIC_PASSWORD_FILE: passwordFile, AWS_ACCESS_KEY_ID: 'AKIA-test' },
    });
    expect(r.outcome).toBe('ok');
    const [call] = await fake.calls();
    expect(call?.env).toEqual({
      RESTIC_PASSWORD: undefined,
      RESTIC_PASSWORD_FILE: passwordFile,
      RESTIC_PASSWORD_COMMAND: undefined,
      RESTIC_REPOSITORY: REPO,
      RESTIC_REPOSITORY_FILE: undefined,
      AWS_ACCESS_KEY_ID: 'AKIA-test',
    });
    expect(call?.argv.join(' ')).not.toContain('s3cr3t');
    expect(call?.argv.join(' ')).not.toContain('127.0.0.1');
  });

  it('refuses to run without exactly one password source', async () => {
    const { fake, target } = await setup({ version: '0.14.0' });
    const none = await check({ ...target, env: {} });
    expect(none.outcome !== 'ok' && none.outcome !== 'partial' && none.error.code).toBe('restic.no-password');
    const two = await check({
      ...target,
      env: { RESTIC_PASSWORD: 'a', RESTIC_PASSWORD_COMMAND: 'pass show x' },
    });
    expect(two.outcome !== 'ok' && two.outcome !== 'partial' && two.error.message).toContain('more than one');
    expect(passwordProblem({ RESTIC_PASSWORD: '' })?.code).toBe('restic.no-password');
    expect(await fake.calls()).toHaveLength(0);
  });
});

describe('backup', () => {
  it('fails with restic.source-missing before restic runs', async () => {
    const { fake, target } = await setup({
      version: '0.14.0',
      reply: fixture('v0.14', 'backup-ok-with-progress'),
    });
    const present = await temp();
    const r = await backup(target, {
      paths: [present, '/nonexistent/lifeboat/a', '/nonexistent/lifeboat/b'],
    });
    expect(r).toMatchObject({
      outcome: 'failed',
      exitCode: undefined,
      version: '0.14.0',
      error: {
        code: 'restic.source-missing',
        message: 'source path does not exist: "/nonexistent/lifeboat/a", "/nonexistent/lifeboat/b"',
      },
    });
    expect(await fake.calls()).toHaveLength(0);
  });

  it('streams progress and returns the summary', async () => {
    const f = fixture('v0.14', 'backup-ok-with-progress');
    const { target } = await setup({ version: '0.14.0', reply: f });
    const progress: ResticProgress[] = [];
    const r = await backup(
      target,
      { paths: [await temp()], host: 'h1' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r.outcome === 'ok' && r.value.snapshotId).toBe('aabed5d6');
    expect(progress.length).toBe(f.stdout.split('\n').filter((l) => l.includes('"status"')).length);
    expect(progress.at(-1)?.fraction).toBeGreaterThan(0.9);
  });

  it('turns 0.14’s silent skip (a source vanished after the check) into a failure', async () => {
    const { target } = await setup({
      version: '0.14.0',
      reply: fixture('v0.14', 'backup-missing-one-source'),
    });
    const r = await backup(target, { paths: [await temp()] });
    expect(r.outcome).toBe('failed');
    expect(r.outcome === 'failed' && r.error.code).toBe('restic.source-missing');
    expect(r.outcome === 'failed' && r.error.message).toMatch(
      /^source path disappeared before restic read it: ".*does-not-exist"$/,
    );
  });

  it('reports unreadable files as partial, with the snapshot', async () => {
    const { target } = await setup({ version: '0.14.0', reply: fixture('v0.14', 'backup-unreadable-file') });
    const r = await backup(target, { paths: [await temp()] });
    expect(r.outcome).toBe('partial');
    if (r.outcome !== 'partial') return;
    expect(r.value.snapshotId).toBe('86928924');
    expect(r.error.code).toBe('restic.source-unreadable');
    expect(r.error.message).toMatch(
      /^snapshot 86928924 created, but .*: 1 unreadable, first ".*\/bad" \(open: errno 13/,
    );
  });

  it('refuses exit 0 without a summary', async () => {
    const { target } = await setup({
      version: '0.14.0',
      reply: { stdout: 'hello\n', stderr: '', exitCode: 0 },
    });
    const r = await backup(target, { paths: [await temp()] });
    expect(r.outcome === 'failed' && r.error.code).toBe('restic.output-unparsable');
  });

  it('refuses bad options without running restic', async () => {
    const { fake, target } = await setup({ version: '0.14.0' });
    const r = await backup(target, { paths: ['relative/path'] });
    expect(r.outcome === 'failed' && r.error.code).toBe('restic.bad-option');
    expect(await fake.calls()).toHaveLength(0);
  });
});

describe('check and restore failures', () => {
  it('check reports the first error of a corrupted pack', async () => {
    const { target } = await setup({
      version: '0.14.0',
      reply: fixture('v0.14', 'check-corrupt-pack-read-data'),
    });
    const r = await check(target, { readData: true });
    expect(r.outcome === 'failed' && r.error).toMatchObject({
      code: 'restic.check-errors',
      message: expect.stringMatching(/^repository check found 1 error\(s\), first: "Pack ID does not match/),
    });
  });

  it('restore tells no-space and blocked targets apart, and insists on the verify line', async () => {
    const full = await setup({ version: '0.14.0', reply: fixture('v0.14', 'restore-no-space') });
    const r1 = await restore(full.target, { snapshot: 'latest', target: '/tmp/x' });
    expect(r1.outcome === 'failed' && r1.error.code).toBe('restic.no-space');
    const blocked = await setup({ version: '0.14.0', reply: fixture('v0.14', 'restore-target-blocked') });
    const r2 = await restore(blocked.target, { snapshot: 'latest', target: '/tmp/x' });
    expect(r2.outcome === 'failed' && r2.error.code).toBe('restic.restore-errors');
    const quiet = await setup({
      version: '0.14.0',
      reply: { stdout: 'restoring <Snapshot 8f4fbd7b of [/x]> to /t\n', stderr: '', exitCode: 0 },
    });
    const r3 = await restore(quiet.target, { snapshot: 'latest', target: '/tmp/x', verify: true });
    expect(r3.outcome === 'failed' && r3.error.code).toBe('restic.output-unparsable');
    const ok = await setup({ version: '0.14.0', reply: fixture('v0.14', 'restore-verify-ok') });
    const r4 = await restore(ok.target, { snapshot: 'latest', target: '/tmp/x', verify: true });
    expect(r4.outcome === 'ok' && r4.value.verifiedFiles).toBe(2);
  });

  it('restore on ≥ 0.17 asks for JSON and streams its progress', async () => {
    const { fake, target } = await setup({
      version: '0.17.1',
      reply: fixture('hand-written', 'v0.17.0-restore-json'),
    });
    const progress: ResticProgress[] = [];
    const r = await restore(
      target,
      { snapshot: 'latest', target: '/tmp/x', verify: true },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r.outcome === 'ok' && r.value.filesRestored).toBe(4);
    expect(progress.map((p) => p.fraction)).toEqual([0.5, 1]);
    expect((await fake.calls())[0]?.argv).toContain('--json');
  });

  it('unlock never retries and never removes live locks', async () => {
    const { fake, target } = await setup({ version: '0.14.0', reply: fixture('v0.14', 'unlock-live-lock') });
    expect((await unlock(target, { lockRetry: FAST })).outcome).toBe('ok');
    expect((await fake.calls())[0]?.argv).toEqual(['unlock']);
  });
});
