import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES, classifyRestic, type ProcessEnd, stderrDetail } from './outcome.js';
import { endOf, type FixtureSet, featuresOf, fixture } from './testing/fixtures.js';
import { parseResticVersion, resticFeatures } from './version.js';

const classify = (set: FixtureSet, scenario: string) => {
  const f = fixture(set, scenario);
  return classifyRestic(endOf(f), featuresOf(f));
};

const features = (version: string) => {
  const v = parseResticVersion(`restic ${version}`);
  if (!v) throw new Error(version);
  return resticFeatures(v);
};

const end = (exitCode: number | undefined, stderr = '', extra: Partial<ProcessEnd> = {}): ProcessEnd => ({
  exitCode,
  signal: undefined,
  stderr,
  cancelled: false,
  timedOut: false,
  spawnFailed: false,
  ...extra,
});

describe('restic 0.14 (captured): everything fails with exit 1, stderr tells them apart', () => {
  it.each([
    ['wrong-password', 'auth', 'restic.wrong-password'],
    ['repository-missing-rest', 'failed', 'restic.repository-missing'],
    ['repository-missing-local', 'failed', 'restic.repository-missing'],
    ['repository-unreachable', 'failed', 'restic.unreachable'],
    ['locked-check', 'locked', 'restic.locked'],
    ['locked-forget', 'locked', 'restic.locked'],
    ['init-exists', 'failed', 'restic.repository-exists'],
    ['restore-snapshot-not-found', 'failed', 'restic.snapshot-not-found'],
    ['restore-no-space', 'failed', 'restic.no-space'],
    ['restore-target-blocked', 'failed', 'restic.failed'],
    ['check-corrupt-pack-read-data', 'failed', 'restic.check-errors'],
    ['backup-all-sources-missing', 'failed', 'restic.failed'],
    ['backup-unreadable-file', 'partial', 'restic.source-unreadable'],
  ])('%s → %s %s', (scenario, outcome, code) => {
    const f = fixture('v0.14', scenario);
    expect(f.exitCode).toBe(scenario === 'backup-unreadable-file' ? 3 : 1);
    expect(classify('v0.14', scenario)).toMatchObject({ outcome, error: { code } });
  });

  it.each([
    'init-ok',
    'backup-ok-with-progress',
    'backup-missing-one-source',
    'snapshots-two-hosts',
    'forget-applied',
    'check-ok',
    'check-corrupt-pack-metadata-only',
    'restore-verify-ok',
    'unlock-live-lock',
    'prune-ok',
  ])('%s → ok (exit 0)', (scenario) => {
    expect(classify('v0.14', scenario)).toEqual({ outcome: 'ok' });
  });

  it('SIGINT: 0.14 exits 130 (verified) → cancelled, message without terminal escapes', () => {
    const f = fixture('v0.14', 'backup-interrupted-sigint');
    expect(f.exitCode).toBe(130);
    expect(f.stderr).toContain('\u001b[2K');
    expect(classify('v0.14', 'backup-interrupted-sigint')).toMatchObject({
      outcome: 'cancelled',
      error: { code: 'restic.cancelled' },
    });
    expect(stderrDetail(f.stderr)).toBe('signal interrupt received, cleaning up');
  });

  it('quotes restic’s own line in the message', () => {
    expect(classify('v0.14', 'wrong-password').error?.message).toBe(
      'wrong repository password: "Fatal: wrong password or no key found"',
    );
    expect(classify('v0.14', 'locked-check').error?.message).toMatch(
      /^repository is locked: "unable to create lock in backend: repository is already locked by PID \d+ on \w+ by root/,
    );
  });
});

describe('restic ≥ 0.17 (hand-written from the docs): exit codes decide', () => {
  it.each([
    ['v0.17.0-repository-missing-exit-10', 'failed', 'restic.repository-missing'],
    ['v0.17.0-locked-exit-11', 'locked', 'restic.locked'],
    ['v0.17.0-wrong-password-exit-1', 'auth', 'restic.wrong-password'],
    ['v0.17.1-wrong-password-exit-12', 'auth', 'restic.wrong-password'],
    ['v0.18.0-exit-error-json', 'auth', 'restic.wrong-password'],
    ['v0.19.0-interrupted-exit-130', 'cancelled', 'restic.cancelled'],
    ['v0.19.0-backup-missing-source-exit-3', 'partial', 'restic.source-unreadable'],
    ['v0.17.0-restore-json-error', 'failed', 'restic.no-space'],
    ['v0.20.0-unknown-exit-code', 'failed', 'restic.unknown-exit'],
  ])('%s → %s %s', (scenario, outcome, code) => {
    expect(classify('hand-written', scenario)).toMatchObject({ outcome, error: { code } });
  });

  it('uses 10/11/12 only on versions that have them', () => {
    // The same stderr-less exit codes mean nothing to 0.14 logic: unknown codes fail.
    expect(classifyRestic(end(10), features('0.14.0')).error?.code).toBe('restic.unknown-exit');
    expect(classifyRestic(end(11), features('0.16.4')).error?.code).toBe('restic.unknown-exit');
    expect(classifyRestic(end(12), features('0.17.0')).error?.code).toBe('restic.unknown-exit');
    expect(classifyRestic(end(10), features('0.17.0'))).toMatchObject({
      outcome: 'failed',
      error: { code: 'restic.repository-missing' },
    });
    expect(classifyRestic(end(11), features('0.17.0'))).toMatchObject({ outcome: 'locked' });
    expect(classifyRestic(end(12), features('0.17.1'))).toMatchObject({ outcome: 'auth' });
  });

  it('takes the exit_error message, credentials removed', () => {
    const r = classify('hand-written', 'v0.18.0-exit-error-json');
    expect(r.error?.message).toBe(
      'wrong repository password: "Fatal: wrong password or no key found for rest:http://nas:8000/lisle/"',
    );
    expect(r.error?.message).not.toContain('hunter2');
  });
});

describe('process ends that are not plain exit codes', () => {
  const f014 = features('0.14.0');
  it('maps spawn failure, cancellation, timeout, signals and crashes', () => {
    expect(classifyRestic(end(undefined, '', { spawnFailed: true }), f014).error?.code).toBe(
      'restic.not-installed',
    );
    expect(classifyRestic(end(undefined, '', { cancelled: true, signal: 'SIGTERM' }), f014).outcome).toBe(
      'cancelled',
    );
    expect(
      classifyRestic(end(1, 'signal interrupt received, cleaning up', { cancelled: true }), f014).outcome,
    ).toBe('cancelled');
    expect(classifyRestic(end(undefined, '', { signal: 'SIGINT' }), f014).outcome).toBe('cancelled');
    expect(classifyRestic(end(130), f014).outcome).toBe('cancelled');
    expect(classifyRestic(end(130, '', { timedOut: true }), f014).error?.code).toBe('restic.timeout');
    expect(classifyRestic(end(undefined, '', { timedOut: true, signal: 'SIGTERM' }), f014)).toMatchObject({
      outcome: 'failed',
      error: { code: 'restic.timeout' },
    });
    expect(classifyRestic(end(undefined, '', { signal: 'SIGKILL' }), f014).error).toEqual({
      code: 'restic.killed',
      message: 'restic ended by signal SIGKILL',
    });
    expect(classifyRestic(end(2, 'panic: runtime error: index out of range'), f014).error?.code).toBe(
      'restic.runtime-error',
    );
    expect(
      classifyRestic(
        end(
          1,
          'Fatal: unexpected HTTP response (401): 401 Unauthorized\nIs there a repository at the following location?',
        ),
        f014,
      ),
    ).toMatchObject({
      outcome: 'auth',
      error: { code: 'restic.backend-auth' },
    });
    expect(classifyRestic(end(1, ''), f014).error).toEqual({
      code: 'restic.failed',
      message: 'restic failed',
    });
  });

  it('keeps messages on one line and never longer than a screen line or two', () => {
    const long = `Fatal: ${'x'.repeat(5000)}\nsecond line`;
    const r = classifyRestic(end(1, long), f014);
    expect(r.error?.message).not.toContain('\n');
    expect(r.error?.message.length).toBeLessThan(260);
    expect(stderrDetail('noise\nFatal: the reason\nIs there a repository at the following location?')).toBe(
      'Fatal: the reason',
    );
  });
});

describe('CODES', () => {
  it('has a title, cause and fix for every restic.* code the adapter can produce', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const used = new Set<string>();
    for (const file of sources) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/'(restic\.[a-z-]+)'(?!: \{)/g))
        used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(20);
    for (const code of used) expect(CODES[code], code).toBeDefined();
    for (const [code, entry] of Object.entries(CODES)) {
      expect(code).toMatch(/^restic\.[a-z]+(-[a-z0-9]+)*$/);
      expect(used.has(code), `${code} is catalogued but never produced`).toBe(true);
      for (const text of [entry.title, entry.cause, entry.fix]) expect(text.length, code).toBeGreaterThan(5);
    }
  });
});
