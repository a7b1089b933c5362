import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeGitHub, startFakeGitHub } from '@lifeboat/test-support';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// End to end: the BUILT cli (run `npx tsc -b` first) against the local fake GitHub API.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const TOKEN = 'ghs_e2e-secret-token-9f8e7d';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Async spawn, not spawnSync: the fake answers from this very process, so its event loop must keep running.
const lifeboat = (args: string[], env: Record<string, string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const { GITHUB_TOKEN: _t, GITHUB_API_URL: _u, ...inherited } = process.env;
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

let dir: string;
let planFile: string;
let gh: FakeGitHub;

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx tsc -b" before the e2e tests`);
  dir = mkdtempSync(join(tmpdir(), 'lifeboat-comment-'));
  planFile = join(dir, 'plan.md');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, idleTimeoutMs: 25_000 });
});
afterEach(async () => {
  await gh.close();
});

const args = (extra: string[] = []) => [
  'comment',
  '--repo',
  'acme/lifeboat',
  '--pr',
  '12',
  '--body-file',
  planFile,
  ...extra,
];
const envFor = (token = TOKEN) => ({ GITHUB_TOKEN: token, GITHUB_API_URL: gh.url });
const expectNoToken = (run: Run, token = TOKEN) => {
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
};

// Up to four CLI runs a test took 14 s on a loaded 2-core machine: room beyond the 30 s default, still a bound.
describe('lifeboat comment (built CLI against the fake GitHub)', { timeout: 60_000 }, () => {
  it('creates the sticky comment, updates it in place, then reports it unchanged', async () => {
    writeFileSync(planFile, '## Plan\n\n- policy added\n');
    const created = await lifeboat(args(), envFor());
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^created https:\/\/github\.com\/acme\/lifeboat\/pull\/12#issuecomment-\d+\n$/,
    );
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]?.body).toBe('<!-- lifeboat:plan -->\n## Plan\n\n- policy added\n');

    writeFileSync(planFile, '## Plan\n\n- policy removed\n');
    const updated = await lifeboat(args(), envFor());
    expect(updated.code).toBe(0);
    expect(updated.stdout.replace(/^updated /, 'created ')).toBe(created.stdout);
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]?.body).toContain('policy removed');

    const unchanged = await lifeboat(args(), envFor());
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toMatch(/^unchanged /);
    for (const run of [created, updated, unchanged]) expectNoToken(run);
    // The token travelled only where it belongs: the Authorization header.
    expect(gh.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(gh.requests.every((r) => r.headers['user-agent']?.startsWith('lifeboat-cli'))).toBe(true);
  });

  it('keeps one comment per --marker', async () => {
    writeFileSync(planFile, 'drill report\n');
    expect((await lifeboat(args(['--marker', 'drill']), envFor())).code).toBe(0);
    writeFileSync(planFile, 'plan\n');
    expect((await lifeboat(args(), envFor())).code).toBe(0);
    expect(gh.state.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- lifeboat:drill -->',
      '<!-- lifeboat:plan -->',
    ]);
  });

  it('keeps one comment per site with --marker snapshots-<site>', async () => {
    for (const site of ['lisle', 'portage']) {
      writeFileSync(planFile, `### Snapshots at site ${site}\n`);
      const run = await lifeboat(args(['--marker', `snapshots-${site}`]), envFor());
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^created /);
    }
    expect(gh.state.comments.map((c) => c.body)).toEqual([
      '<!-- lifeboat:snapshots-lisle -->\n### Snapshots at site lisle\n',
      '<!-- lifeboat:snapshots-portage -->\n### Snapshots at site portage\n',
    ]);
  });

  it('--update-only starts no comment, but refreshes the one an earlier run left', async () => {
    writeFileSync(planFile, 'No policy of this site changes its retention\n');
    const none = await lifeboat(args(['--marker', 'snapshots-lisle', '--update-only']), envFor());
    expect(none).toMatchObject({ code: 0, stderr: '' });
    expect(none.stdout).toBe(
      'absent: no <!-- lifeboat:snapshots-lisle --> comment on pull request #12, none started (--update-only)\n',
    );
    expect(gh.state.comments).toHaveLength(0);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);

    const stale = gh.addComment({
      owner: 'acme',
      repo: 'lifeboat',
      issueNumber: 12,
      body: '<!-- lifeboat:snapshots-lisle -->\n2 snapshots deleted by this change\n',
    });
    const refreshed = await lifeboat(args(['--marker', 'snapshots-lisle', '--update-only']), envFor());
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(
      /^updated https:\/\/github\.com\/acme\/lifeboat\/pull\/12#issuecomment-/,
    );
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]).toMatchObject({
      id: stale.id,
      body: '<!-- lifeboat:snapshots-lisle -->\nNo policy of this site changes its retention\n',
    });
  });

  it('exits 2 with one line and no token when GitHub rejects the token', async () => {
    writeFileSync(planFile, 'plan\n');
    const wrong = 'ghp_not-the-right-one-123';
    const run = await lifeboat(args(), envFor(wrong));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^lifeboat comment: GitHub rejected the token \(401 "Bad credentials"\)[^\n]*\n$/,
    );
    expectNoToken(run, wrong);
    expect(gh.state.comments).toHaveLength(0);
  });

  it.each([
    ['a missing token', args(), { GITHUB_TOKEN: '' }, /GITHUB_TOKEN is not set/],
    [
      'a bad --repo',
      ['comment', '--repo', 'acme', '--pr', '1', '--body-file', 'x'],
      {},
      /--repo "acme" is not/,
    ],
    [
      'a repo with a path',
      ['comment', '--repo', 'a/b/c', '--pr', '1', '--body-file', 'x'],
      {},
      /--repo "a\/b\/c"/,
    ],
    [
      'a bad --pr',
      ['comment', '--repo', 'a/b', '--pr', '12abc', '--body-file', 'x'],
      {},
      /--pr "12abc" is not/,
    ],
    ['a zero --pr', ['comment', '--repo', 'a/b', '--pr', '0', '--body-file', 'x'], {}, /--pr "0" is not/],
    [
      'a missing body file',
      ['comment', '--repo', 'a/b', '--pr', '1', '--body-file', '/nope/plan.md'],
      {},
      /does not exist/,
    ],
    ['a bad --marker', args(['--marker', 'x -->']), {}, /--marker "x -->" must be/],
    ['a bad GITHUB_API_URL', args(), { GITHUB_API_URL: 'ftp://example' }, /GITHUB_API_URL "ftp:\/\/example"/],
  ])('exits 2 with one line for %s, before any request', async (_name, argv, env, message) => {
    writeFileSync(planFile, 'plan\n');
    const run = await lifeboat(argv, { ...envFor(), ...env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expectNoToken(run);
    expect(gh.requests).toHaveLength(0);
  });

  it('exits 2 for an empty body file', async () => {
    writeFileSync(planFile, '  \n');
    const run = await lifeboat(args(), envFor());
    expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/is empty/) });
  });

  it('exits 2 when a required flag is missing', async () => {
    const run = await lifeboat(['comment', '--repo', 'acme/lifeboat', '--body-file', planFile], envFor());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--pr/);
  });

  it('documents the environment in --help and exits 0', async () => {
    const run = await lifeboat(['comment', '--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GITHUB_TOKEN/);
    expect(run.stdout).toMatch(/GITHUB_API_URL/);
    expect(run.stdout).not.toMatch(/--token/);
  });
});
