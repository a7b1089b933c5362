import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';
import { recordPath } from './layout.js';
import { lastSuccess, openLedgerIndex, rebuildLedgerIndex } from './ledger-index.js';
import { makeRecord, tempStateDir } from './testing/records.js';
import { writeRunRecord } from './write-run-record.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

const FINANCE = { policy: 'lisle-finance-share' };
const indexFile = () => path.join(dir, 'runs/lisle/latest.json');
const write = async (...records: RunRecord[]) => {
  for (const r of records) await writeRunRecord(dir, r);
};

describe('lastSuccess', () => {
  it('is the newest ok run of that job of that subject, ignoring later failures and other jobs', async () => {
    const ok1 = makeRecord({ startedAt: '2025-01-10T10:00:00Z' });
    const ok2 = makeRecord({ startedAt: '2025-01-10T12:00:00Z' });
    await write(
      ok1,
      ok2,
      makeRecord({ startedAt: '2025-01-10T14:00:00Z', outcome: 'failed' }),
      makeRecord({ startedAt: '2025-01-10T15:00:00Z', outcome: 'partial' }),
      makeRecord({ startedAt: '2025-01-10T16:00:00Z', job: 'check' }),
      makeRecord({ startedAt: '2025-01-10T17:00:00Z', policy: 'lisle-general-share' }),
      makeRecord({ startedAt: '2025-01-10T18:00:00Z', site: 'portage', policy: 'lisle-finance-share' }),
    );
    expect((await lastSuccess(dir, 'lisle', FINANCE, 'backup'))?.id).toBe(ok2.id);
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.last(FINANCE, 'backup')?.outcome).toBe('partial');
    expect(index.lastSuccess(FINANCE, 'check')?.job).toBe('check');
    expect(index.lastSuccess(FINANCE, 'drill')).toBeUndefined();
    expect(index.lastSuccess({ policy: 'nothing-here' }, 'backup')).toBeUndefined();
    expect(index.newestStartedAt).toBe(Date.parse('2025-01-10T17:00:00Z'));
  });

  it('keeps the newer success when an older run is recorded after it (a long drill ending late)', async () => {
    const newer = makeRecord({ startedAt: '2025-02-01T00:10:00Z' });
    const older = makeRecord({ startedAt: '2025-01-31T23:50:00Z', durationSeconds: 7200 });
    await write(newer, older);
    expect((await lastSuccess(dir, 'lisle', FINANCE, 'backup'))?.id).toBe(newer.id);
  });

  it('answers for images and for site-level runs', async () => {
    const capture = makeRecord({
      startedAt: '2025-01-12T02:00:00Z',
      policy: undefined,
      image: 'hp-kvm-sdcard',
      job: 'image-capture',
    });
    const both = makeRecord({ startedAt: '2025-01-12T03:00:00Z', image: 'hp-kvm-sdcard', job: 'sync' });
    const site = makeRecord({ startedAt: '2025-01-12T04:00:00Z', policy: undefined, job: 'check' });
    await write(capture, both, site);
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.lastSuccess({ image: 'hp-kvm-sdcard' }, 'image-capture')?.id).toBe(capture.id);
    expect(index.lastSuccess({ image: 'hp-kvm-sdcard' }, 'sync')?.id).toBe(both.id);
    expect(index.lastSuccess(FINANCE, 'sync')?.id).toBe(both.id);
    expect(index.lastSuccess({}, 'check')?.id).toBe(site.id);
  });

  it('is undefined for a site with no records, without creating anything', async () => {
    expect(await lastSuccess(dir, 'lisle', FINANCE, 'backup')).toBeUndefined();
    await expect(stat(path.join(dir, 'runs'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the index answers without reading every record', () => {
  it('does not open records of older months it already accounts for', async () => {
    const months = ['2024-10', '2024-11', '2024-12', '2025-01'];
    const records = months.map((m) => makeRecord({ startedAt: `${m}-15T10:00:00Z` }));
    await write(...records);
    // Damage the oldest record in place: same file count, so only reading it would notice.
    await writeFile(recordPath(dir, records[0] as RunRecord), '{ torn');
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.problems).toEqual([]);
    expect(index.lastSuccess(FINANCE, 'backup')?.id).toBe(records[3]?.id);
    // A full rebuild does read it, and says so.
    const rebuilt = await rebuildLedgerIndex(dir, 'lisle');
    expect(rebuilt.problems.map((p) => p.code)).toEqual(['ledger.corrupt']);
  });
});

describe('the index repairs itself', () => {
  it('sees a record whose writer died before indexing it', async () => {
    await write(makeRecord({ startedAt: '2025-01-10T10:00:00Z' }));
    const orphan = makeRecord({ startedAt: '2025-01-10T12:00:00Z' });
    await writeFileAtomic(recordPath(dir, orphan), JSON.stringify(orphan));
    expect((await lastSuccess(dir, 'lisle', FINANCE, 'backup'))?.id).toBe(orphan.id);
    // ...and wrote the repair down.
    const stored = JSON.parse(await readFile(indexFile(), 'utf8')) as {
      months: Record<string, { files: number }>;
    };
    expect(stored.months['2025/01']?.files).toBe(2);
  });

  it('recovers an update lost to a concurrent writer in another process', async () => {
    await write(makeRecord({ startedAt: '2025-01-10T10:00:00Z' }));
    const before = await readFile(indexFile(), 'utf8');
    const lost = makeRecord({ startedAt: '2025-01-10T12:00:00Z' });
    await write(lost);
    await writeFile(indexFile(), before); // the other writer's save landed last
    expect((await lastSuccess(dir, 'lisle', FINANCE, 'backup'))?.id).toBe(lost.id);
  });

  it.each([
    ['missing', async () => rm(indexFile())],
    ['torn', async () => writeFile(indexFile(), '{"apiVersion":"lifeboat/v1","kind":"RunIndex"')],
    [
      'foreign',
      async () =>
        writeFile(
          indexFile(),
          JSON.stringify({ kind: 'RunIndex', site: 'lisle', months: {}, entries: { x: { last: 1 } } }),
        ),
    ],
  ])('rebuilds a %s index from the records', async (_, damage) => {
    const ok = makeRecord({ startedAt: '2025-01-10T10:00:00Z' });
    await write(ok, makeRecord({ startedAt: '2025-01-10T11:00:00Z', outcome: 'failed' }));
    await damage();
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.lastSuccess(FINANCE, 'backup')?.id).toBe(ok.id);
    expect(index.totals(FINANCE, 'backup')).toEqual({ ok: 1, failed: 1 });
  });

  it('rebuilds when a month folder it knew has gone', async () => {
    const old = makeRecord({ startedAt: '2024-06-10T10:00:00Z' });
    const recent = makeRecord({ startedAt: '2025-01-10T10:00:00Z', outcome: 'failed' });
    await write(old, recent);
    await rm(path.join(dir, 'runs/lisle/2024'), { recursive: true });
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.lastSuccess(FINANCE, 'backup')).toBeUndefined();
    expect(index.totals(FINANCE, 'backup')).toEqual({ failed: 1 });
  });

  it('stays read-only when asked to', async () => {
    await write(makeRecord({ startedAt: '2025-01-10T10:00:00Z' }));
    await rm(indexFile());
    const index = await openLedgerIndex(dir, 'lisle', { repair: false });
    expect(index.lastSuccess(FINANCE, 'backup')).toBeDefined();
    await expect(stat(indexFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('totals', () => {
  it('counts every run by outcome across months', async () => {
    await write(
      makeRecord({ startedAt: '2024-12-31T10:00:00Z' }),
      makeRecord({ startedAt: '2025-01-01T10:00:00Z' }),
      makeRecord({ startedAt: '2025-01-02T10:00:00Z', outcome: 'locked' }),
      makeRecord({ startedAt: '2025-01-03T10:00:00Z', job: 'check', outcome: 'failed' }),
    );
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.totals(FINANCE, 'backup')).toEqual({ ok: 2, locked: 1 });
    expect(index.totals(FINANCE, 'check')).toEqual({ failed: 1 });
    expect(index.totals(FINANCE, 'drill')).toEqual({});
  });
});
