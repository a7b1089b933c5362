import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { readRunRecords } from '@lifeboat/runners';
import { buildZip, type FakeGitHub, startFakeGitHub } from '@lifeboat/test-support';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../../../runners/src/ledger/testing/records.js';
import { fetchSiteRecords, recordsArtifactName } from './github-records.js';

// Against the fake GitHub on loopback: the artifact list, the 302 to storage, the zip, the mirror.

const OWNER = 'kestrel';
const REPO = 'infra';
const SNAP = 'a1b2c3d4e5f60718';
let gh: FakeGitHub;
let mirrorDir: string;
const octokit = () => new Octokit({ auth: 'gh-test-token', baseUrl: gh.url, request: { retries: 0 } });

const recordsZip = (runs: unknown[], method: 'stored' | 'deflate' = 'deflate') =>
  buildZip([
    {
      name: 'records.json',
      data: JSON.stringify({ version: 1, stateDir: '/x', runs, problems: [] }),
      method,
    },
  ]);

const publish = (site: string, runs: unknown[], extra: { createdAt?: string; expired?: boolean } = {}) =>
  gh.addArtifact({
    owner: OWNER,
    repo: REPO,
    name: recordsArtifactName(site),
    zip: recordsZip(runs),
    ...extra,
  });

const fetchAll = (sites = ['lisle']) =>
  fetchSiteRecords({
    octokit: octokit(),
    owner: OWNER,
    repo: REPO,
    sites,
    mirrorDir,
    signal: AbortSignal.timeout(10_000),
  });

const downloads = () => gh.requests.filter((r) => r.server === 'storage');

beforeAll(async () => {
  gh = await startFakeGitHub({ token: 'gh-test-token', idleTimeoutMs: 20_000 });
});
afterAll(() => gh.close());
beforeEach(async () => {
  mirrorDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-mirror-'));
  gh.state.artifacts.length = 0;
  gh.requests.length = 0;
});
afterEach(() => rm(mirrorDir, { recursive: true, force: true }));

const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000).toISOString();

describe('fetchSiteRecords', () => {
  it('mirrors the newest unexpired artifact, following the 302 to storage without the token', async () => {
    const old = makeRecord({ startedAt: at(30), snapshotId: `${SNAP}00` });
    const fresh = makeRecord({ startedAt: at(2), snapshotId: `${SNAP}11` });
    const newest = makeRecord({ startedAt: at(1), snapshotId: `${SNAP}22` });
    publish('lisle', [old], { createdAt: at(25) });
    const current = publish('lisle', [old, fresh], { createdAt: at(2) });
    publish('lisle', [old, fresh, newest], { createdAt: at(0.5), expired: true });
    publish('portage', [makeRecord({ startedAt: at(1), site: 'portage', policy: 'portage-shared-drive' })]);

    const [r] = await fetchAll();
    expect(r).toMatchObject({ site: 'lisle', status: 'fetched', kept: 2, added: 2, problems: [] });
    expect(r?.artifact?.id).toBe(current.id);
    expect(r?.artifact?.ageSeconds).toBeGreaterThanOrEqual(7190);

    const list = gh.requests.find((q) => q.path.endsWith('/actions/artifacts'));
    expect(list?.query.name).toBe('lifeboat-records-lisle');
    const api = gh.requests.find((q) => q.path.endsWith(`/artifacts/${current.id}/zip`));
    expect(api?.status).toBe(302);
    expect(downloads()).toHaveLength(1);
    expect(downloads()[0]?.status).toBe(200);
    expect(downloads()[0]?.headers.authorization).toBeUndefined();

    const { records } = await readRunRecords(mirrorDir, { site: 'lisle' });
    expect(records.map((x) => x.snapshotId)).toEqual([`${SNAP}00`, `${SNAP}11`]);
  });

  it('does not download an artifact it already mirrored, and adds only new records from the next', async () => {
    const a = makeRecord({ startedAt: at(3) });
    publish('lisle', [a], { createdAt: at(3) });
    expect((await fetchAll())[0]).toMatchObject({ status: 'fetched', kept: 1, added: 1 });
    expect((await fetchAll())[0]).toMatchObject({ status: 'unchanged', kept: 1, added: 0 });
    expect(downloads()).toHaveLength(1);

    publish('lisle', [a, makeRecord({ startedAt: at(1) })], { createdAt: at(1) });
    expect((await fetchAll())[0]).toMatchObject({ status: 'fetched', kept: 2, added: 1 });
    expect(downloads()).toHaveLength(2);
    expect((await readRunRecords(mirrorDir, { site: 'lisle' })).records).toHaveLength(2);
  });

  it('refuses a record about another site and reports a record failing the schema, keeping the rest', async () => {
    const good = makeRecord({ startedAt: at(2) });
    const foreign = makeRecord({ startedAt: at(2), site: 'portage', policy: 'portage-shared-drive' });
    const broken = { ...makeRecord({ startedAt: at(1) }), outcome: 'fine', extra: 1 } as unknown as RunRecord;
    publish('lisle', [good, foreign, broken, 'not even an object']);
    const [r] = await fetchAll();
    expect(r).toMatchObject({ status: 'fetched', kept: 1, added: 1 });
    expect(r?.problems.map((p) => [p.code, p.path])).toEqual([
      ['records.foreign-site', 'runs[1]'],
      ['records.invalid', 'runs[2]'],
      ['records.invalid', 'runs[3]'],
    ]);
    for (const p of r?.problems ?? []) expect(p.message).not.toContain('\n');
    expect(r?.problems[0]?.message).toContain('"portage"');
    expect((await readRunRecords(mirrorDir)).records.map((x) => x.id)).toEqual([good.id]);
  });

  it('reports a damaged zip and a document that is not records, and mirrors nothing', async () => {
    gh.addArtifact({ owner: OWNER, repo: REPO, name: 'lifeboat-records-lisle', zip: Buffer.from('garbage') });
    gh.addArtifact({
      owner: OWNER,
      repo: REPO,
      name: 'lifeboat-records-portage',
      zip: buildZip([{ name: 'records.json', data: '{"runs": "no"}' }]),
    });
    const [lisle, portage] = await fetchAll(['lisle', 'portage']);
    expect(lisle).toMatchObject({ status: 'failed', kept: 0 });
    expect(lisle?.problems.map((p) => p.code)).toEqual(['records.bad-zip']);
    expect(portage?.problems.map((p) => p.code)).toEqual(['records.not-records']);
    expect((await readRunRecords(mirrorDir)).records).toEqual([]);
  });

  it('says when a site has published nothing yet', async () => {
    expect((await fetchAll())[0]).toMatchObject({ status: 'none', kept: 0, problems: [] });
  });

  it('reports a refused token and an unreachable GitHub as one line, per site', async () => {
    publish('lisle', [makeRecord({ startedAt: at(1) })]);
    const wrong = new Octokit({ auth: 'nope', baseUrl: gh.url, request: { retries: 0 }, log: quiet });
    const [r] = await fetchSiteRecords({
      octokit: wrong,
      owner: OWNER,
      repo: REPO,
      sites: ['lisle'],
      mirrorDir,
    });
    expect(r?.status).toBe('failed');
    expect(r?.problems[0]).toMatchObject({ code: 'records.unreachable', severity: 'error' });
    expect(r?.problems[0]?.message).toMatch(/GitHub answered 401: Bad credentials/);
    expect(r?.problems[0]?.message).not.toContain('nope');

    const dead = await startFakeGitHub({ token: 'x' });
    const deadUrl = dead.url;
    await dead.close();
    const gone = new Octokit({ auth: 'x', baseUrl: deadUrl, request: { retries: 0 }, log: quiet });
    const [d] = await fetchSiteRecords({
      octokit: gone,
      owner: OWNER,
      repo: REPO,
      sites: ['lisle'],
      mirrorDir,
    });
    expect(d?.status).toBe('failed');
    expect(d?.problems[0]?.message).toMatch(/could not ask GitHub: .*ECONNREFUSED/);
  });

  it('refuses a download over the byte limit without reading it all', async () => {
    publish(
      'lisle',
      Array.from({ length: 200 }, (_, i) => makeRecord({ startedAt: at(1 + i / 100) })),
    );
    const [r] = await fetchSiteRecords({
      octokit: octokit(),
      owner: OWNER,
      repo: REPO,
      sites: ['lisle'],
      mirrorDir,
      maxDownloadBytes: 1000,
    });
    expect(r?.problems.map((p) => p.code)).toEqual(['records.too-large']);
  });
});

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
