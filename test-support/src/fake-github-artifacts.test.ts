import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { buildZip } from './zip-builder.js';

// The artifact endpoints of the fake: list (name filter, expiry, newest first, pages) and the download's
// 302 to a storage origin that wants its signature, not the API token.

let gh: FakeGitHub;
const auth = { authorization: 'token t0k' };
beforeAll(async () => {
  gh = await startFakeGitHub({ token: 't0k', idleTimeoutMs: 10_000 });
  const base = Date.parse('2025-01-10T00:00:00Z');
  for (let i = 0; i < 5; i++)
    gh.addArtifact({
      owner: 'o',
      repo: 'r',
      name: i % 2 === 0 ? 'lifeboat-records-lisle' : 'other',
      zip: buildZip([{ name: 'records.json', data: `{"n":${i}}` }]),
      createdAt: new Date(base + i * 3600_000).toISOString(),
      expired: i === 4,
    });
});
afterAll(() => gh.close());

describe('fake GitHub artifacts', () => {
  it('lists by name, newest first, with expiry and GitHub-style pages', async () => {
    const res = await fetch(`${gh.url}/repos/o/r/actions/artifacts?name=lifeboat-records-lisle&per_page=2`, {
      headers: auth,
    });
    const body = (await res.json()) as {
      total_count: number;
      artifacts: { created_at: string; expired: boolean }[];
    };
    expect(body.total_count).toBe(3);
    expect(body.artifacts.map((a) => [a.created_at, a.expired])).toEqual([
      ['2025-01-10T04:00:00.000Z', true],
      ['2025-01-10T02:00:00.000Z', false],
    ]);
    expect(res.headers.get('link')).toContain('rel="next"');
  });

  it('answers a download with 302 to storage, which serves the zip without the token and refuses it with', async () => {
    const id = gh.state.artifacts[0]?.id;
    const res = await fetch(`${gh.url}/repos/o/r/actions/artifacts/${id}/zip`, {
      headers: auth,
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(gh.storageUrl)).toBe(true);
    expect(gh.storageUrl).not.toBe(gh.url);
    const ok = await fetch(location);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(gh.state.artifacts[0]?.zip);
    expect((await fetch(location, { headers: auth })).status).toBe(400);
    expect((await fetch(location.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    const expired = gh.state.artifacts[4]?.id;
    expect(
      (await fetch(`${gh.url}/repos/o/r/actions/artifacts/${expired}/zip`, { headers: auth })).status,
    ).toBe(410);
  });

  it('builds zips a real unzip accepts, stored and deflated', async () => {
    const which = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
    if (which.status !== 0) return; // unzip is not on every machine; the zip reader's tests cover the format too
    const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-zip-'));
    try {
      for (const method of ['stored', 'deflate'] as const) {
        const file = path.join(dir, `${method}.zip`);
        await writeFile(file, buildZip([{ name: 'records.json', data: '{"version":1}', method }]));
        const test = spawnSync('unzip', ['-t', file], { encoding: 'utf8', timeout: 10_000 });
        expect(test.status, test.stdout).toBe(0);
        spawnSync('unzip', ['-o', '-d', path.join(dir, method), file], { timeout: 10_000 });
        expect(await readFile(path.join(dir, method, 'records.json'), 'utf8')).toBe('{"version":1}');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
