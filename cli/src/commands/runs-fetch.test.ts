import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildZip, type FakeGitHub, startFakeGitHub } from '@lifeboat/test-support';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord, tempStateDir } from '../../../runners/src/ledger/testing/records.js';

// End to end with the built CLI (run `npx tsc -b` first) against the fake GitHub on loopback. The CLI runs as
// a child process without blocking this one, so the fake can answer it.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ONE_SITE = fileURLToPath(new URL('../../../bot/src/e2e/fixtures/one-site', import.meta.url));
const TOKEN = 'gh-secret-token-1234';

const lifeboat = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        resolve({ status: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });

let gh: FakeGitHub;
let out: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN, idleTimeoutMs: 30_000 });
});
afterAll(() => gh.close());
beforeEach(async () => {
  ({ dir: out, cleanup } = await tempStateDir());
  gh.state.artifacts.length = 0;
  gh.requests.length = 0;
});
afterEach(() => cleanup());

const ago = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const publish = (site: string, runs: unknown[]) =>
  gh.addArtifact({
    owner: 'kestrel',
    repo: 'infra',
    name: `lifeboat-records-${site}`,
    zip: buildZip([{ name: 'records.json', data: JSON.stringify({ version: 1, runs, problems: [] }) }]),
    createdAt: ago(2),
  });
const fetchArgs = (...more: string[]) => [
  'runs',
  'fetch',
  '--repo',
  'kestrel/infra',
  '--out',
  out,
  '--api-url',
  gh.url,
  ...more,
];

describe('lifeboat runs fetch', () => {
  it('mirrors each site of the inventory, one line each, and `lifeboat runs` reads the result', async () => {
    const good = makeRecord({ startedAt: ago(3) });
    publish('lisle', [
      good,
      makeRecord({ startedAt: ago(3), site: 'portage', policy: 'portage-shared-drive' }),
    ]);
    const first = await lifeboat([...fetchArgs('--root', ONE_SITE)], { GITHUB_TOKEN: TOKEN });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^lisle: artifact #\d+ 2 ?h old, 1 record\(s\) kept \(1 new\), 1 problem\(s\)\n$/,
    );
    expect(first.stderr).toContain('records.foreign-site');
    expect(first.stderr.trim().split('\n')).toHaveLength(1);

    const again = await lifeboat([...fetchArgs('--site', 'lisle')], { GH_TOKEN: TOKEN });
    expect(again.stdout).toContain('unchanged, not downloaded');
    expect(gh.requests.filter((r) => r.server === 'storage')).toHaveLength(1);

    const listed = await lifeboat(['runs', '--state-dir', out, '--format', 'json']);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).runs.map((r: { id: string }) => r.id)).toEqual([good.id]);
  });

  it('--json prints every site with its artifact, counts and problems', async () => {
    publish('lisle', [makeRecord({ startedAt: ago(1) })]);
    const r = await lifeboat([...fetchArgs('--site', 'lisle', '--json')], { GITHUB_TOKEN: TOKEN });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      version: 1,
      out,
      sites: [
        {
          site: 'lisle',
          status: 'fetched',
          kept: 1,
          added: 1,
          problems: [],
          artifact: { id: expect.any(Number) },
        },
      ],
    });
  });

  it('a refused token is one line per site, exit 1, the token never shown', async () => {
    publish('lisle', [makeRecord({ startedAt: ago(1) })]);
    const r = await lifeboat([...fetchArgs('--site', 'lisle')], { GITHUB_TOKEN: 'wrong-token-5678' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^lisle: failed: could not ask GitHub: GitHub answered 401: Bad credentials\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(`${r.stdout}${r.stderr}`).not.toContain('wrong-token-5678');
  });

  it.each([
    ['no token', () => fetchArgs('--site', 'lisle'), {}, /GITHUB_TOKEN \(or GH_TOKEN\) is not set/],
    [
      'a bad --repo',
      () => ['runs', 'fetch', '--repo', 'kestrel', '--out', '/tmp/x'],
      { GITHUB_TOKEN: TOKEN },
      /--repo "kestrel" is not owner\/name/,
    ],
    [
      'a bad --site',
      () => fetchArgs('--site', 'Lisle!'),
      { GITHUB_TOKEN: TOKEN },
      /--site "Lisle!" is not a site name/,
    ],
    [
      'a bad --api-url',
      () => [...fetchArgs('--site', 'lisle'), '--api-url', 'ftp://x'],
      { GITHUB_TOKEN: TOKEN },
      /--api-url must be an http\(s\) URL/,
    ],
    [
      'an option of `runs`',
      () => fetchArgs('--site', 'lisle', '--since', '7d'),
      { GITHUB_TOKEN: TOKEN },
      /--since is an option of `lifeboat runs`/,
    ],
    ['a --root without sites', () => fetchArgs('--root', '/'), { GITHUB_TOKEN: TOKEN }, /--root/],
  ])('%s: one line, exit 2, nothing fetched', async (_what, args, env, message) => {
    const r = await lifeboat(args(), env as NodeJS.ProcessEnv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(gh.requests).toHaveLength(0);
  });

  it('--out naming a file is a usage error', async () => {
    const file = path.join(out, 'file');
    await writeFile(file, 'x');
    const r = await lifeboat(
      ['runs', 'fetch', '--repo', 'k/i', '--out', file, '--site', 'lisle', '--api-url', gh.url],
      {
        GITHUB_TOKEN: TOKEN,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .* is not a directory/);
  });
});
