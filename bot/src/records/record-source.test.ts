import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRunRecord } from '@lifeboat/runners';
import { type FakeGitHub, startFakeGitHub } from '@lifeboat/test-support';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../../../runners/src/ledger/testing/records.js';
import { loadMergedLedgerView, readMergedRecords } from './merged-ledger.js';
import { githubRecordSource } from './record-source.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let gh: FakeGitHub;
let stateDir: string;
const octokitAt = (baseUrl: string) =>
  new Octokit({ auth: 'gh-test-token', baseUrl, request: { retries: 0 }, log: quiet });
const lists = () => gh.requests.filter((r) => r.path.endsWith('/actions/artifacts'));
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000).toISOString();

beforeAll(async () => {
  gh = await startFakeGitHub({ token: 'gh-test-token', idleTimeoutMs: 20_000 });
});
afterAll(() => gh.close());
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-source-'));
  gh.state.artifacts.length = 0;
  gh.requests.length = 0;
});
afterEach(() => rm(stateDir, { recursive: true, force: true }));

describe('githubRecordSource', () => {
  it('asks GitHub at most once per refresh interval per site', async () => {
    let now = 1_000_000;
    const source = githubRecordSource({
      octokit: octokitAt(gh.url),
      owner: 'kestrel',
      repo: 'infra',
      stateDir,
      refreshMs: 5 * 60_000,
      clock: () => now,
    });
    expect(await source.refresh(['lisle'])).toEqual({});
    expect(await source.refresh(['lisle'])).toEqual({});
    expect(lists()).toHaveLength(1);
    now += 5 * 60_000;
    await source.refresh(['lisle', 'portage']);
    expect(
      lists()
        .map((r) => r.query.name)
        .sort(),
    ).toEqual(['lifeboat-records-lisle', 'lifeboat-records-lisle', 'lifeboat-records-portage']);
    expect(source.stateDirs).toEqual([stateDir, path.join(stateDir, 'mirror')]);
  });

  it('gives one line when GitHub cannot be asked, and keeps saying so until the next attempt', async () => {
    const dead = await startFakeGitHub();
    const deadUrl = dead.url;
    await dead.close();
    const source = githubRecordSource({ octokit: octokitAt(deadUrl), owner: 'k', repo: 'i', stateDir });
    const first = await source.refresh(['lisle']);
    expect(first.note).toMatch(
      /^GitHub could not be asked for the sites' run records \(.*ECONNREFUSED.*\); showing what is known\.$/,
    );
    expect(first.note).not.toContain('\n');
    expect((await source.refresh(['lisle'])).note).toBe(first.note);
  });

  it('stops waiting after the timeout and says so', async () => {
    // A GitHub that accepts the connection and never answers.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const stop = new AbortController();
      const source = githubRecordSource({
        octokit: octokitAt(url),
        owner: 'k',
        repo: 'i',
        stateDir,
        timeoutMs: 200,
        signal: stop.signal,
      });
      const started = Date.now();
      const { note } = await source.refresh(['lisle']);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(note).toContain('no answer within 200 ms');
      stop.abort();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('merged ledgers', () => {
  it('reads both ledgers, a record found in both counted once, and the view knows the newest of either', async () => {
    const mirror = path.join(stateDir, 'mirror');
    const local = path.join(stateDir, 'local');
    const shared = makeRecord({ startedAt: at(10) });
    const newer = makeRecord({ startedAt: at(1), snapshotId: 'abcdef0123456789' });
    await writeRunRecord(local, shared);
    await writeRunRecord(mirror, shared);
    await writeRunRecord(mirror, newer);
    await writeRunRecord(
      mirror,
      makeRecord({ startedAt: at(2), site: 'portage', policy: 'portage-shared-drive' }),
    );

    const { records } = await readMergedRecords([local, mirror], { site: 'lisle' });
    expect(records.map((r) => r.id)).toEqual([shared.id, newer.id]);

    const view = await loadMergedLedgerView([local, mirror], ['lisle', 'portage'], new Date(), 7 * 86_400);
    expect(view.history('lisle', { policy: 'lisle-finance-share' }, 'backup').lastSuccess?.id).toBe(newer.id);
    expect(view.history('lisle', { policy: 'lisle-finance-share' }, 'backup').totals).toEqual({ ok: 2 });
    expect(view.history('portage', { policy: 'portage-shared-drive' }, 'backup').last).toBeDefined();
    expect(view.window.map((r) => r.site)).toEqual(['lisle', 'portage', 'lisle']);
  });
});
