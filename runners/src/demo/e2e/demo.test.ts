// The demo end to end with the real tools: every step's outcome from the run records in its ledger, servers
// gone and the work directory removed afterwards, a second run from scratch, and Ctrl-C still cleaning up.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { validateInventory } from '@lifeboat/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunRecords } from '../../ledger/index.js';
import { DEMO_IMAGE, DEMO_POLICIES, DEMO_SITE } from '../demo-site.js';
import { type DemoResult, runDemo } from '../run-demo.js';

const T = { timeout: 90_000 };
let parent = '';

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'lifeboat-demo-e2e-'));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** Processes whose command line names `dir` (rclone serving it, a restic still reading it). */
const processesUsing = async (dir: string): Promise<string[]> => {
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
};

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One record per (job, subject) the demo must have run, each ok. */
const EXPECTED = [
  ...DEMO_POLICIES.flatMap((p) => ['backup', 'forget', 'check', 'drill', 'sync'].map((job) => `${job} ${p}`)),
  ...['image-capture', 'image-restore', 'drill'].map((job) => `${job} ${DEMO_IMAGE}`),
].sort();

const keyOf = (r: RunRecord) => `${r.job} ${r.policy ?? r.image}`;

const expectAllOk = (records: readonly RunRecord[]) => {
  expect(records.map(keyOf).sort()).toEqual(EXPECTED);
  expect(records.filter((r) => r.outcome !== 'ok').map((r) => `${keyOf(r)}: ${r.error?.code}`)).toEqual([]);
  expect(records.every((r) => r.site === DEMO_SITE)).toBe(true);
  const find = (job: string, subject: string) => records.find((r) => keyOf(r) === `${job} ${subject}`);
  // The proofs, from the records: restored bytes, RTOs met, image verification, the cloud copy equal.
  const fullDrill = find('drill', 'demo-office-share');
  expect(fullDrill?.rto?.met).toBe(true);
  expect(fullDrill?.stats?.restored_bytes).toBe(fullDrill?.stats?.restore_bytes);
  const imageDrill = find('drill', DEMO_IMAGE);
  expect(imageDrill?.rto?.met).toBe(true);
  expect(imageDrill?.verification?.passed).toBe(true);
  expect(imageDrill?.verification?.details).not.toMatch(/DIFFERENT|ERRORS/);
  expect(find('image-restore', DEMO_IMAGE)?.verification?.details).toMatch(/re-capture equal, fsck clean/);
  for (const p of DEMO_POLICIES) {
    const sync = find('sync', p);
    expect(sync?.stats?.check_differences).toBe(0);
    expect(sync?.stats?.check_missing).toBe(0);
    expect(Number(find('backup', p)?.stats?.files_new)).toBeGreaterThan(0);
  }
};

const expectCleanedUp = async (result: DemoResult) => {
  expect(existsSync(result.workDir)).toBe(false);
  expect(alive(result.serverPid)).toBe(false);
  expect(await processesUsing(result.workDir)).toEqual([]);
};

describe('lifeboat demo on loopback', () => {
  let first: DemoResult;

  it('runs every step ok, proven by its run records, and leaves nothing behind', T, async () => {
    first = await runDemo({ validate: validateInventory, parentDir: parent });
    expect(first.error).toBeUndefined();
    expect(first.steps.filter((s) => s.outcome !== 'ok')).toEqual([]);
    expect(first.ok).toBe(true);
    expectAllOk(first.records);
    expect(first.steps.map((s) => s.step)).toEqual([
      'validate',
      'backup',
      'backup',
      'forget',
      'forget',
      'check',
      'check',
      'drill',
      'drill',
      'image-capture',
      'image-restore',
      'image-drill',
      'sync',
      'sync',
      'report',
    ]);
    // Every job step names the records it wrote, and they are the ones in the ledger.
    const ids = new Set(first.records.map((r) => r.id));
    for (const s of first.steps.filter((x) => x.step !== 'validate' && x.step !== 'report'))
      expect(s.records.length > 0 && s.records.every((id) => ids.has(id))).toBe(true);
    expect(first.report?.summary).toEqual({ red: 0, amber: 0, green: 3 });
    await expectCleanedUp(first);
    expect(await readdir(parent)).toEqual([]);
  });

  it('runs again from scratch (here kept, to read its ledger directly)', T, async () => {
    const second = await runDemo({ validate: validateInventory, parentDir: parent, keep: true });
    try {
      expect(second.ok).toBe(true);
      expect(second.workDir).not.toBe(first.workDir);
      const ledger = await readRunRecords(join(second.workDir, 'state'), { site: DEMO_SITE });
      expect(ledger.problems).toEqual([]);
      // A fresh ledger: exactly this run's records, none carried over.
      expectAllOk(ledger.records);
      expect(ledger.records.map((r) => r.id).sort()).toEqual(second.records.map((r) => r.id).sort());
      expect(alive(second.serverPid)).toBe(false);
      expect(await processesUsing(second.workDir)).toEqual([]);
    } finally {
      await rm(second.workDir, { recursive: true, force: true });
    }
  });

  it('cancelled (Ctrl-C) before the jobs: nothing runs, it fails, and still cleans up', T, async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runDemo({
      validate: validateInventory,
      parentDir: parent,
      signal: controller.signal,
    });
    expect(result.ok).toBe(false);
    expect(result.steps[0]?.outcome).toBe('ok'); // validate
    const jobs = result.steps.slice(1);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((s) => s.outcome === 'not-started')).toBe(true);
    expect(result.records).toEqual([]);
    await expectCleanedUp(result);
  });

  it('refuses an inventory that does not validate, with the fix from the catalogue', T, async () => {
    const result = await runDemo({
      // A rule that fails: the demo must stop before any job and say why.
      validate: (loaded) => [
        ...validateInventory(loaded),
        {
          code: 'durability.3-2-1',
          severity: 'error',
          message: 'injected',
          file: 'sites/demo.yaml',
          line: 1,
          col: 1,
          path: '',
        },
      ],
      catalogue: { 'durability.3-2-1': { fix: 'add an offsite copy' } },
      parentDir: parent,
    });
    expect(result.ok).toBe(false);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]).toMatchObject({
      step: 'validate',
      outcome: 'failed',
      error: { code: 'durability.3-2-1' },
      fix: 'add an offsite copy',
    });
    await expectCleanedUp(result);
    expect(await readdir(parent)).toEqual([]);
  });
});
