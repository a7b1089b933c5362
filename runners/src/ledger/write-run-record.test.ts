import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AtomicWriteIo } from './atomic-write.js';
import { lastSuccess } from './ledger-index.js';
import { readRunRecords } from './read-run-records.js';
import { makeRecord, tempStateDir } from './testing/records.js';
import { LedgerError, writeRunRecord } from './write-run-record.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

/** Every file under `root`, relative, sorted. */
const tree = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();

describe('writeRunRecord', () => {
  it('files the record under runs/<site>/<yyyy>/<mm>/<id>.json (UTC month) as readable JSON', async () => {
    const record = makeRecord({ startedAt: '2025-01-31T23:30:00-02:00' });
    const written = await writeRunRecord(dir, record);
    expect(written.file).toBe(path.join(dir, 'runs', 'lisle', '2025', '02', `${record.id}.json`));
    expect(written.indexed).toBe(true);
    expect(JSON.parse(await readFile(written.file, 'utf8'))).toEqual(record);
    expect(await tree(dir)).toEqual([`runs/lisle/2025/02/${record.id}.json`, 'runs/lisle/latest.json']);
  });

  it('refuses a schema-invalid record and writes nothing', async () => {
    const bad = {
      ...makeRecord({ startedAt: '2025-01-14T10:00:00Z' }),
      outcome: 'great',
    } as unknown as RunRecord;
    const attempt = writeRunRecord(dir, bad);
    await expect(attempt).rejects.toBeInstanceOf(LedgerError);
    await expect(attempt).rejects.toMatchObject({ code: 'ledger.invalid' });
    await expect(attempt).rejects.toThrow(/outcome: must be one of ok, .*got "great"/);
    expect(await tree(dir)).toEqual([]);
  });

  it('refuses a site name that would leave the runs folder', async () => {
    const bad = makeRecord({ startedAt: '2025-01-14T10:00:00Z', site: '../../etc' });
    await expect(writeRunRecord(dir, bad)).rejects.toMatchObject({ code: 'ledger.invalid' });
    expect(await tree(dir)).toEqual([]);
  });

  it('never rewrites a record: a second write with the same id is refused and the first stays', async () => {
    const record = makeRecord({ startedAt: '2025-01-14T10:00:00Z' });
    await writeRunRecord(dir, record);
    await expect(writeRunRecord(dir, { ...record, outcome: 'failed' })).rejects.toMatchObject({
      code: 'ledger.duplicate-id',
    });
    const { records } = await readRunRecords(dir);
    expect(records).toEqual([record]);
  });

  it('leaves no partial file and no index change when the write fails midway', async () => {
    const first = makeRecord({ startedAt: '2025-01-14T10:00:00Z' });
    await writeRunRecord(dir, first);
    const indexBefore = await readFile(path.join(dir, 'runs/lisle/latest.json'), 'utf8');
    const failing: AtomicWriteIo = {
      write: async (handle, data) => {
        await handle.write(data, 0, Math.floor(data.length / 2));
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      },
    };
    const second = makeRecord({ startedAt: '2025-01-14T12:00:00Z', stats: { note: 'x'.repeat(5000) } });
    await expect(writeRunRecord(dir, second, { io: failing })).rejects.toThrow('EIO');
    expect(await tree(dir)).toEqual([`runs/lisle/2025/01/${first.id}.json`, 'runs/lisle/latest.json']);
    expect(await readFile(path.join(dir, 'runs/lisle/latest.json'), 'utf8')).toBe(indexBefore);
    const { records, problems } = await readRunRecords(dir);
    expect(records).toEqual([first]);
    expect(problems).toEqual([]);
    expect((await lastSuccess(dir, 'lisle', { policy: 'lisle-finance-share' }, 'backup'))?.id).toBe(first.id);
  });

  it('indexes records written concurrently by one process without losing any', async () => {
    const records = Array.from({ length: 20 }, (_, i) =>
      makeRecord({
        startedAt: new Date(Date.UTC(2025, 0, 14, 10, i)).toISOString(),
        policy: `policy-${i % 4}`,
        outcome: i % 3 === 0 ? 'failed' : 'ok',
      }),
    );
    const results = await Promise.all(records.map((r) => writeRunRecord(dir, r)));
    expect(results.every((r) => r.indexed)).toBe(true);
    const index = JSON.parse(await readFile(path.join(dir, 'runs/lisle/latest.json'), 'utf8')) as {
      months: Record<string, { files: number }>;
    };
    expect(index.months['2025/01']?.files).toBe(20);
  });
});
