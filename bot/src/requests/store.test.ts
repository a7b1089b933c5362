import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRequestId, newRequestId } from './ids.js';
import { openRequestStore } from './store.js';
import type { NewRequest } from './types.js';

const INPUT: NewRequest = {
  kind: 'restore',
  site: 'lisle',
  policy: 'lisle-finance-share',
  snapshot: 'latest',
  paths: ['/srv/shares/finance/q3.xlsx'],
  target: 'alternate',
  reason: 'deleted by mistake',
  requester: 'U05KS1PN4T2',
  channel: 'C0123456',
  state: 'pending-approval',
  expiresAt: '2026-01-01T04:00:00.000Z',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-requests-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('request ids', () => {
  it('are rq_ + 16 base32 characters and differ', () => {
    const ids = new Set(Array.from({ length: 200 }, newRequestId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^rq_[a-z2-7]{16}$/);
    expect(isRequestId('rq_../../etc/passwd')).toBe(false);
  });
});

describe('openRequestStore', () => {
  it('creates once per idempotency key and writes one file per request', async () => {
    const store = await openRequestStore(dir);
    const a = await store.create(INPUT, 'slack:cmd:1');
    const b = await store.create({ ...INPUT, reason: 'different' }, 'slack:cmd:1');
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.request.id).toBe(a.request.id);
    expect(b.request.reason).toBe('deleted by mistake');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toEqual([`${a.request.id}.json`]);
    const onDisk = JSON.parse(await readFile(path.join(dir, files[0] as string), 'utf8'));
    expect(onDisk.state).toBe('pending-approval');
    expect(onDisk.history).toHaveLength(1);
  });

  it('20 parallel identical creates make one request', async () => {
    const store = await openRequestStore(dir);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.create(INPUT, 'same-key')));
    expect(new Set(results.map((r) => r.request.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('20 parallel approved→dispatched transitions: exactly one succeeds', async () => {
    const store = await openRequestStore(dir);
    const { request } = await store.create({ ...INPUT, state: 'approved' }, 'k');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transition(request.id, ['approved'], 'dispatched', 'bot', `try ${i}`, {
          dispatch: { dispatcher: 'local', at: new Date().toISOString() },
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(19);
    expect(refused[0]).toMatchObject({ ok: false, reason: 'request is dispatched, not approved' });
    const final = await store.get(request.id);
    expect(final?.state).toBe('dispatched');
    expect(final?.history.map((h) => h.state)).toEqual(['approved', 'dispatched']);
  });

  it('survives a restart: reopen, find by key, transition still works', async () => {
    const first = await openRequestStore(dir);
    const { request } = await first.create(INPUT, 'slack:view:abc');
    // "Crash": the object is dropped; only the files remain.
    const second = await openRequestStore(dir);
    expect(await second.get(request.id)).toEqual(request);
    const again = await second.create(INPUT, 'slack:view:abc');
    expect(again).toEqual({ request, created: false });
    const approved = await second.transition(
      request.id,
      ['pending-approval'],
      'approved',
      'U05KR7W2D1A',
      'ok',
      {
        approver: 'U05KR7W2D1A',
      },
    );
    expect(approved.ok).toBe(true);
    const third = await openRequestStore(dir);
    expect((await third.get(request.id))?.state).toBe('approved');
    expect((await third.get(request.id))?.approver).toBe('U05KR7W2D1A');
  });

  it('refuses transitions from the wrong state and illegal edges', async () => {
    const store = await openRequestStore(dir);
    const { request } = await store.create(INPUT, 'k');
    const wrongFrom = await store.transition(request.id, ['approved'], 'dispatched', 'bot', '');
    expect(wrongFrom).toMatchObject({ ok: false, reason: 'request is pending-approval, not approved' });
    const illegal = await store.transition(request.id, ['pending-approval'], 'succeeded', 'bot', '');
    expect(illegal).toMatchObject({
      ok: false,
      reason: 'a pending-approval request cannot become succeeded',
    });
    expect(await store.transition('rq_aaaaaaaaaaaaaaaa', ['approved'], 'dispatched', 'bot', '')).toEqual({
      ok: false,
      request: undefined,
      reason: 'no such request',
    });
    expect(await store.transition('../x', ['approved'], 'dispatched', 'bot', '')).toMatchObject({
      ok: false,
    });
    expect(await store.get('../../etc/passwd')).toBeUndefined();
  });

  it('expires pending approvals past their time, and only those', async () => {
    const store = await openRequestStore(dir);
    const old = await store.create({ ...INPUT, expiresAt: '2026-01-01T00:00:00.000Z' }, 'a');
    const fresh = await store.create({ ...INPUT, expiresAt: '2026-01-02T00:00:00.000Z' }, 'b');
    const approved = await store.create(
      { ...INPUT, state: 'approved', expiresAt: '2025-01-01T00:00:00.000Z' },
      'c',
    );
    const moved = await store.expire(new Date('2026-01-01T12:00:00Z'));
    expect(moved.map((r) => r.id)).toEqual([old.request.id]);
    expect((await store.get(old.request.id))?.state).toBe('expired');
    expect((await store.get(fresh.request.id))?.state).toBe('pending-approval');
    expect((await store.get(approved.request.id))?.state).toBe('approved');
    expect(await store.expire(new Date('2026-01-01T12:00:00Z'))).toEqual([]);
  });

  it('lists newest first with filters, and update sets fields without a state change', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const tick = () => {
      t += 1000;
      return new Date(t);
    };
    const store = await openRequestStore(dir, { now: tick });
    const a = await store.create(INPUT, 'a');
    const b = await store.create({ ...INPUT, site: 'portage', requester: 'U05KU4AB2CD' }, 'b');
    expect((await store.list()).map((r) => r.id)).toEqual([b.request.id, a.request.id]);
    expect((await store.list({ site: 'portage' })).map((r) => r.id)).toEqual([b.request.id]);
    expect((await store.list({ state: ['approved'] })).length).toBe(0);
    expect((await store.list({ since: '2026-01-01T00:00:02Z' })).map((r) => r.id)).toEqual([b.request.id]);
    const updated = await store.update(a.request.id, { messageTs: '1700000000.000100' });
    expect(updated?.messageTs).toBe('1700000000.000100');
    expect(updated?.state).toBe('pending-approval');
    expect((await openRequestStore(dir).then((s) => s.get(a.request.id)))?.messageTs).toBe(
      '1700000000.000100',
    );
  });

  it('skips unreadable files instead of failing to open', async () => {
    await writeFile(path.join(dir, 'rq_aaaaaaaaaaaaaaaa.json'), '{ torn');
    await writeFile(path.join(dir, '.rq_bbbbbbbbbbbbbbbb.json.123.tmp'), '{}');
    const notes: string[] = [];
    const store = await openRequestStore(dir, { onNote: (m) => notes.push(m) });
    expect(await store.list()).toEqual([]);
    expect(notes).toEqual(['skipped unreadable request file rq_aaaaaaaaaaaaaaaa.json']);
  });

  it('returns copies: callers cannot change the stored request', async () => {
    const store = await openRequestStore(dir);
    const { request } = await store.create(INPUT, 'k');
    request.state = 'succeeded';
    request.paths.push('/etc');
    const again = await store.get(request.id);
    expect(again?.state).toBe('pending-approval');
    expect(again?.paths).toEqual(INPUT.paths);
  });
});
