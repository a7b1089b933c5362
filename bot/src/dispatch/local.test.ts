import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Inventory, loadInventory, type RunRecord } from '@lifeboat/core';
import type { jobs, RestoreFn, RestoreRequest } from '@lifeboat/runners';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotRequest } from '../requests/types.js';
import { createLocalDispatcher, jobRequestOf } from './local.js';
import type { RunUpdate } from './types.js';

// The local dispatcher's wiring into the runner's request path, with recorded restore functions in place
// of restic (the real restic path is bot/src/dispatch/e2e/local.test.ts).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let inventory: Inventory;
let stateDir: string;

beforeAll(async () => {
  inventory = (await loadInventory(ROOT)).inventory;
});
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-local-dispatch-'));
});
afterEach(() => rm(stateDir, { recursive: true, force: true }));

const REQUEST: BotRequest = {
  id: 'rq_aaaaaaaaaaaaaaaa',
  idempotencyKey: 'k',
  kind: 'image-restore',
  site: 'lisle',
  image: 'hp-kvm-sdcard',
  snapshot: 'latest',
  paths: [],
  target: 'alternate',
  reason: 'card died',
  requester: 'U05KS1PN4T2',
  approver: 'U05KR7W2D1A',
  channel: 'C0CHANNEL1',
  createdAt: '2026-01-01T00:00:00Z',
  state: 'dispatched',
  history: [],
};

const recordFor = (
  request: RestoreRequest,
  context: jobs.JobContext,
  outcome: RunRecord['outcome'],
): RunRecord => ({
  apiVersion: 'lifeboat/v1',
  kind: 'RunRecord',
  id: `20260101T000000000Z-${request.requestId.slice(3, 15)}`,
  job: 'image-restore',
  site: context.site.value.metadata.name,
  image: request.subject.name,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:01:00.000Z',
  durationSeconds: 60,
  tool: { name: 'partclone', version: '0.3.23' },
  outcome,
  // A job copies who asked and who approved from its context, as the real jobs do.
  ...(context.requester !== undefined ? { requester: context.requester } : {}),
  ...(context.approver !== undefined ? { approver: context.approver } : {}),
  ...(outcome === 'ok'
    ? { verification: { passed: true, method: 'sha256', details: 'every partition matched' } }
    : { error: { code: 'image.hash-mismatch', message: 'partition 2 differs' } }),
});

describe('createLocalDispatcher', () => {
  it('routes an image restore to the image-restore job with the request, and reports it verified', async () => {
    const seen: RestoreRequest[] = [];
    const imageRestore: RestoreFn = async (request, context) => {
      seen.push(request);
      context.onEvent?.({
        type: 'progress',
        job: 'image-restore',
        subject: request.subject.name,
        percent: 50,
      });
      return recordFor(request, context, 'ok');
    };
    const d = createLocalDispatcher({
      inventory,
      stateDir,
      env: {},
      restores: { 'image-restore': imageRestore },
      progressEveryMs: 0,
    });
    const updates: RunUpdate[] = [];
    const result = await d.dispatch(REQUEST, (u) => updates.push(u));
    expect(seen).toMatchObject([
      { subject: { kind: 'image', name: 'hp-kvm-sdcard' }, requestId: REQUEST.id, target: 'alternate' },
    ]);
    expect(updates.map((u) => u.phase)).toEqual(['started', 'progress', 'verified']);
    expect(updates[1]?.percent).toBe(50);
    expect(updates[2]?.record).toMatchObject({
      outcome: 'ok',
      requester: 'U05KS1PN4T2',
      approver: 'U05KR7W2D1A',
    });
    expect(result).toEqual({ ok: true, runId: updates[2]?.record?.id });
  });

  it('reports a failed run with the record and its code', async () => {
    const d = createLocalDispatcher({
      inventory,
      stateDir,
      env: {},
      restores: { 'image-restore': async (r, c) => recordFor(r, c, 'failed') },
    });
    const updates: RunUpdate[] = [];
    await d.dispatch(REQUEST, (u) => updates.push(u));
    expect(updates.at(-1)).toMatchObject({
      phase: 'failed',
      message: 'partition 2 differs',
      record: { error: { code: 'image.hash-mismatch' } },
    });
  });

  it('a listener that throws does not fail the run', async () => {
    const d = createLocalDispatcher({
      inventory,
      stateDir,
      env: {},
      restores: { 'image-restore': async (r, c) => recordFor(r, c, 'ok') },
    });
    const result = await d.dispatch(REQUEST, () => {
      throw new Error('slack down');
    });
    expect(result.ok).toBe(true);
  });

  it('maps bot requests to runner requests', () => {
    expect(
      jobRequestOf({ ...REQUEST, kind: 'drill', image: undefined, policy: 'lisle-finance-share' }),
    ).toEqual({
      job: 'drill',
      subject: { kind: 'policy', name: 'lisle-finance-share' },
      id: REQUEST.id,
      requester: 'U05KS1PN4T2',
      approver: 'U05KR7W2D1A',
    });
    expect(
      jobRequestOf({
        ...REQUEST,
        kind: 'restore',
        image: undefined,
        policy: 'p',
        paths: ['/a'],
        target: 'in-place',
      }).restore,
    ).toEqual({
      snapshot: 'latest',
      paths: ['/a'],
      target: 'in-place',
    });
  });
});
