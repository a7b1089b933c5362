// The local dispatcher end to end: a REAL file backed up with real restic into a REAL repository served by
// `rclone serve restic` on loopback, restored by the dispatcher through the runner's request path, then
// checked byte for byte, by hash, and in the ledger's run record.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '@lifeboat/core';
import {
  jobs,
  RUNNER_CATALOGUE,
  readRunRecords,
  restoreResultMessage,
  rtoObjectiveOf,
  scheduler,
} from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextOf,
  inventoryOf,
  PASSWORD,
  PASSWORD_VAR,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from '../../../../runners/src/jobs/testing/restic-site.js';
import { type RestServer, startRestServer } from '../../../../runners/src/testing/rest-server.js';
import type { BotRequest } from '../../requests/types.js';
import { createLocalDispatcher } from '../local.js';
import type { RunUpdate } from '../types.js';

const T = { timeout: 90_000 };
const REQUESTER = 'U05KS1PN4T2';
const APPROVER = 'U05KR7W2D1A';

let root = '';
let server: RestServer;
let inventory: Inventory;
let stateDir = '';
let src = '';
const env = { [PASSWORD_VAR]: PASSWORD };

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

const request = (over: Partial<BotRequest> = {}): BotRequest => ({
  id: 'rq_e2eaaaaaaaaaaaaa',
  idempotencyKey: 'k',
  kind: 'restore',
  site: 'lisle',
  policy: 'office',
  snapshot: 'latest',
  paths: [join(src, 'office', 'plans', 'floor.bin')],
  target: 'alternate',
  reason: 'overwrote the floor plan',
  requester: REQUESTER,
  approver: APPROVER,
  channel: 'C0CHANNEL1',
  createdAt: new Date().toISOString(),
  state: 'dispatched',
  history: [],
  ...over,
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lifeboat-bot-local-e2e-'));
  stateDir = join(root, 'state');
  src = join(root, 'src');
  server = await startRestServer({ dir: join(root, 'rest') });
  await writeRandomFiles(join(src, 'office'), { 'plans/floor.bin': 256 * 1024, 'memo.txt': 300 });
  inventory = inventoryOf(
    [siteDoc({ repository: server.url })],
    [
      policyDoc({
        name: 'office',
        sources: [join(src, 'office')],
        path: 'office',
        more: {
          objectives: { rto: '1h' },
          restore: { approval: 'in-place-only', alternateTarget: join(root, 'restores') },
        },
      }),
    ],
  );
  // A real backup to restore from.
  const { context } = contextOf({ inventory, stateDir, sandboxDir: join(root, 'sandbox'), env });
  const backup = await jobs.RESTIC_JOBS.backup(plannedOf('backup', 'office'), context);
  expect(backup.outcome, backup.error?.message).toBe('ok');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 30_000);

describe('local dispatcher (real restic, rclone serve restic on loopback)', () => {
  it('restores a real file: content, hash and run record', T, async () => {
    const dispatcher = createLocalDispatcher({ inventory, stateDir, env, progressEveryMs: 0 });
    expect(dispatcher.name).toBe('local');
    expect(await dispatcher.preflight(request())).toEqual({ ok: true });
    const updates: RunUpdate[] = [];
    const result = await dispatcher.dispatch(request(), (u) => updates.push(u));
    expect(result.ok).toBe(true);
    const last = updates.at(-1);
    expect(updates[0]?.phase).toBe('started');
    expect(last?.phase, last?.message).toBe('verified');
    const record = last?.record;
    expect(record).toMatchObject({
      job: 'restore',
      site: 'lisle',
      policy: 'office',
      outcome: 'ok',
      requester: REQUESTER,
      approver: APPROVER,
      verification: { passed: true },
    });
    expect(result).toEqual({ ok: true, runId: record?.id });
    const target = String(record?.stats?.target);
    expect(target.startsWith(join(root, 'restores'))).toBe(true);
    const original = join(src, 'office', 'plans', 'floor.bin');
    const restored = join(target, original);
    expect(await readFile(restored)).toEqual(await readFile(original));
    expect(await sha256(restored)).toBe(await sha256(original));
    // Only what was asked for came back.
    await expect(readFile(join(target, src, 'office', 'memo.txt'))).rejects.toThrow();
    // The thread's result message says it: what, where, how long against the RTO.
    const done = record as NonNullable<typeof record>;
    const rtoSeconds = rtoObjectiveOf(inventory, done);
    expect(rtoSeconds).toBe(3600);
    const message = restoreResultMessage(
      done,
      RUNNER_CATALOGUE,
      rtoSeconds !== undefined ? { rtoSeconds } : {},
    );
    expect(message.text).toMatch(/^Restore of office verified at lisle \(took \d+s, within the RTO of 1h\)$/);
    expect(JSON.stringify(message.blocks)).toContain(target);
    // The ledger has the same record.
    const ledger = await readRunRecords(stateDir, { site: 'lisle' });
    expect(ledger.records.find((r) => r.id === record?.id)).toEqual(record);
  });

  it('reports a failed restore with its code (path outside the sources), nothing restored', T, async () => {
    const dispatcher = createLocalDispatcher({ inventory, stateDir, env });
    const updates: RunUpdate[] = [];
    const result = await dispatcher.dispatch(
      request({ id: 'rq_e2ebbbbbbbbbbbbb', paths: ['/etc/shadow'] }),
      (u) => updates.push(u),
    );
    expect(result.ok).toBe(true);
    expect(updates.at(-1)).toMatchObject({
      phase: 'failed',
      record: { outcome: 'failed', error: { code: 'restore.path-outside-sources' } },
    });
  });

  it('preflight: the site must be here and the repository lock free', T, async () => {
    const dispatcher = createLocalDispatcher({ inventory, stateDir, env });
    expect(await dispatcher.preflight(request({ site: 'portage' }))).toMatchObject({
      ok: false,
      code: 'local.site-not-here',
    });
    const key = scheduler.repositoryKey({ site: 'lisle', target: 'nas', path: 'office' });
    const held = await scheduler.acquireRepositoryLock(key, { stateDir, job: 'backup lisle/nas/office' });
    expect(held.acquired).toBe(true);
    try {
      expect(await dispatcher.preflight(request())).toMatchObject({
        ok: false,
        code: 'local.repository-locked',
        message: expect.stringContaining('backup lisle/nas/office'),
      });
    } finally {
      if (held.acquired) await held.lock.release();
    }
    expect(await dispatcher.preflight(request())).toEqual({ ok: true });
  });

  it(
    'the runner re-checks: an in-place restore without allowInPlace is refused, nothing run',
    T,
    async () => {
      const dispatcher = createLocalDispatcher({ inventory, stateDir, env });
      const updates: RunUpdate[] = [];
      const result = await dispatcher.dispatch(
        request({ id: 'rq_cccccccccccccccc', target: 'in-place' }),
        (u) => updates.push(u),
      );
      expect(result).toMatchObject({ ok: false, code: 'local.refused' });
      expect(updates.map((u) => u.phase)).toEqual(['failed']);
    },
  );
});
