import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunRecords } from './read-run-records.js';
import { makeRecord, tempStateDir } from './testing/records.js';
import { writeRunRecord } from './write-run-record.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

const ids = (records: RunRecord[]) => records.map((r) => r.id);

describe('readRunRecords filters', () => {
  let all: RunRecord[];
  beforeEach(async () => {
    all = [
      makeRecord({ startedAt: '2024-12-30T10:00:00Z' }),
      makeRecord({
        startedAt: '2025-01-10T10:00:00Z',
        outcome: 'failed',
        error: { code: 'restic.locked', message: 'locked' },
      }),
      makeRecord({
        startedAt: '2025-01-10T11:00:00Z',
        job: 'check',
        tool: { name: 'restic', version: '0.14.0' },
      }),
      makeRecord({
        startedAt: '2025-01-12T02:00:00Z',
        policy: undefined,
        image: 'hp-kvm-sdcard',
        job: 'image-capture',
      }),
      makeRecord({ startedAt: '2025-01-13T02:00:00Z', site: 'portage', policy: 'portage-shared-drive' }),
      makeRecord({ startedAt: '2025-02-01T00:00:00Z', job: 'drill' }),
    ];
    // Written out of order: the reader sorts.
    for (const r of [...all].reverse()) await writeRunRecord(dir, r);
  });

  it('returns every record of every site, oldest first', async () => {
    const { records, problems } = await readRunRecords(dir);
    expect(ids(records)).toEqual(ids(all));
    expect(problems).toEqual([]);
  });

  it('filters by site, policy, image, job and outcome', async () => {
    expect(ids((await readRunRecords(dir, { site: 'portage' })).records)).toEqual(ids([all[4] as RunRecord]));
    expect((await readRunRecords(dir, { policy: 'lisle-finance-share' })).records).toHaveLength(4);
    expect(ids((await readRunRecords(dir, { image: 'hp-kvm-sdcard' })).records)).toEqual(
      ids([all[3] as RunRecord]),
    );
    expect(ids((await readRunRecords(dir, { job: 'check' })).records)).toEqual(ids([all[2] as RunRecord]));
    expect(ids((await readRunRecords(dir, { outcome: 'failed' })).records)).toEqual(
      ids([all[1] as RunRecord]),
    );
    expect((await readRunRecords(dir, { site: 'lisle', job: 'backup', outcome: 'ok' })).records).toHaveLength(
      1,
    );
  });

  it('filters by start time, inclusive at both ends', async () => {
    const window = await readRunRecords(dir, {
      since: new Date('2025-01-10T11:00:00Z'),
      until: new Date('2025-01-13T02:00:00Z'),
    });
    expect(ids(window.records)).toEqual(ids(all.slice(2, 5)));
  });

  it('returns nothing (and no problem) for a state directory that does not exist yet', async () => {
    expect(await readRunRecords(path.join(dir, 'nowhere'))).toEqual({ records: [], problems: [] });
  });
});

describe('readRunRecords with damaged or foreign files', () => {
  it('reports each bad file and still returns the good records', async () => {
    const good = makeRecord({ startedAt: '2025-01-10T10:00:00Z' });
    await writeRunRecord(dir, good);
    const month = path.join(dir, 'runs/lisle/2025/01');
    const torn = JSON.stringify(makeRecord({ startedAt: '2025-01-11T10:00:00Z' })).slice(0, 80);
    await writeFile(path.join(month, '20250111T100000000Z-torn00000000.json'), torn);
    await writeFile(path.join(month, 'not-a-record.json'), '{"hello": "world"}');
    const elsewhere = makeRecord({ startedAt: '2025-03-01T10:00:00Z' });
    await writeFile(path.join(month, `${elsewhere.id}.json`), JSON.stringify(elsewhere));
    await writeFile(path.join(month, 'README.txt'), 'notes');
    await writeFile(path.join(month, 'huge.json'), Buffer.alloc(1024 * 1024 + 1, 32));
    await mkdir(path.join(month, 'folder.json'));
    await writeFile(path.join(month, '.20250112.json.123.abcd.tmp'), '{"half":');
    await mkdir(path.join(dir, 'runs', 'Not A Site'));

    const { records, problems } = await readRunRecords(dir);
    expect(records).toEqual([good]);
    expect(problems.map((p) => `${p.file} ${p.code}`).sort()).toEqual(
      [
        'runs/Not A Site ledger.foreign',
        'runs/lisle/2025/01/20250111T100000000Z-torn00000000.json ledger.corrupt',
        'runs/lisle/2025/01/not-a-record.json ledger.invalid',
        `runs/lisle/2025/01/${elsewhere.id}.json ledger.misplaced`,
        'runs/lisle/2025/01/README.txt ledger.foreign',
        'runs/lisle/2025/01/huge.json ledger.too-large',
        'runs/lisle/2025/01/folder.json ledger.foreign',
      ].sort(),
    );
    expect(problems.every((p) => p.severity === 'warning' && !p.message.includes('\n'))).toBe(true);
    expect(problems.find((p) => p.code === 'ledger.invalid')?.message).toBe(
      'not a valid RunRecord: record: missing required key "apiVersion" (and 10 more); ignored',
    );
  });
});
