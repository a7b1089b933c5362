import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireRepositoryLock,
  type LockHolder,
  lockFileName,
  lockPath,
  processAlive,
  withRepositoryLock,
} from './locks.js';

const KEY = 'lisle/lisle-nas/office-shares';
/** Above any Linux pid_max (at most 2^22): no process can have it. */
const DEAD_PID = 99_999_999;

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-locks-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const options = (job: string, extra: Partial<Parameters<typeof acquireRepositoryLock>[1]> = {}) => ({
  stateDir,
  job,
  ...extra,
});

const writeHolder = async (key: string, holder: Partial<LockHolder>, ageMs = 0) => {
  const file = lockPath(stateDir, key);
  await mkdir(path.dirname(file), { recursive: true });
  const full: LockHolder = {
    pid: process.pid,
    host: hostname(),
    job: 'backup other',
    key,
    started: '2025-01-15T08:00:00.000Z',
    token: 'their-token',
    ...holder,
  };
  await writeFile(file, `${JSON.stringify(full)}\n`);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(file, then, then);
  }
  return file;
};

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('processAlive', () => {
  it('sees this process and not an impossible pid', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(DEAD_PID)).toBe(false);
    expect(processAlive(0)).toBe(false);
  });
});

describe('lockFileName', () => {
  it('is readable and tells keys apart that sanitise alike', () => {
    expect(lockFileName(KEY)).toMatch(/^lisle_lisle-nas_office-shares\.[0-9a-f]{16}\.lock$/);
    expect(lockFileName('a/b/c d')).not.toBe(lockFileName('a/b/c_d'));
  });
});

describe('withRepositoryLock', () => {
  it('holds an O_EXCL lock file naming pid, host, job and start while fn runs, and removes it after', async () => {
    const file = lockPath(stateDir, KEY);
    const result = await withRepositoryLock(
      KEY,
      async () => JSON.parse(await readFile(file, 'utf8')) as LockHolder,
      options('prune lisle/lisle-nas/office-shares'),
    );
    expect(result.acquired).toBe(true);
    if (!result.acquired) return;
    expect(result.value).toMatchObject({
      pid: process.pid,
      host: hostname(),
      job: 'prune lisle/lisle-nas/office-shares',
      key: KEY,
    });
    expect(Date.parse(result.value.started)).toBeGreaterThan(Date.now() - 60_000);
    expect(await exists(file)).toBe(false);
  });

  it('blocks a second acquirer while a live process holds the lock', async () => {
    const result = await withRepositoryLock(
      KEY,
      async () => acquireRepositoryLock(KEY, options('check second')),
      options('prune first'),
    );
    expect(result.acquired && result.value).toMatchObject({
      acquired: false,
      holder: { pid: process.pid, job: 'prune first' },
    });
  });

  it('lets a waiting acquirer in once the holder releases', async () => {
    let released = 0;
    let holding!: () => void;
    const held = new Promise<void>((r) => {
      holding = r;
    });
    const first = withRepositoryLock(
      KEY,
      async () => {
        holding();
        await new Promise((r) => setTimeout(r, 150));
        released = Date.now();
      },
      options('prune first'),
    );
    // Wait until the first really holds the lock (a fixed pause loses that race on a loaded machine).
    await held;
    const second = await acquireRepositoryLock(KEY, options('check second', { waitMs: 5_000, pollMs: 20 }));
    expect(second.acquired).toBe(true);
    expect(released).toBeGreaterThan(0);
    if (second.acquired) await second.lock.release();
    await first;
  });

  it('gives up after waitMs on a live holder, naming it', async () => {
    await writeHolder(KEY, { pid: process.pid, job: 'backup other' });
    const started = Date.now();
    const result = await withRepositoryLock(
      KEY,
      async () => 'ran',
      options('forget', { waitMs: 100, pollMs: 20 }),
    );
    expect(result).toEqual({ acquired: false, holder: expect.objectContaining({ job: 'backup other' }) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('takes over a stale lock left by a dead process, with a note', async () => {
    const file = await writeHolder(KEY, { pid: DEAD_PID, job: 'backup crashed' });
    const notes: string[] = [];
    const result = await withRepositoryLock(
      KEY,
      async () => JSON.parse(await readFile(file, 'utf8')) as LockHolder,
      options('prune', { onNote: (n) => notes.push(n) }),
    );
    expect(result.acquired).toBe(true);
    if (!result.acquired) return;
    expect(result.value.pid).toBe(process.pid);
    expect(result.tookOver).toMatchObject({ pid: DEAD_PID, job: 'backup crashed' });
    expect(notes).toEqual([
      `took over the stale lock of repository "${KEY}" held by pid ${DEAD_PID} on "${hostname()}" (job "backup crashed", started 2025-01-15T08:00:00.000Z): process ${DEAD_PID} is gone`,
    ]);
  });

  it('takes over a live pid’s lock not refreshed within the bound (a reused pid), but not a fresh one', async () => {
    await writeHolder(KEY, { pid: process.pid }, 31 * 60_000);
    const notes: string[] = [];
    const old = await withRepositoryLock(
      KEY,
      async () => 'ran',
      options('prune', { onNote: (n) => notes.push(n) }),
    );
    expect(old.acquired).toBe(true);
    expect(notes[0]).toMatch(/: not refreshed for 31m$/);
    await writeHolder(KEY, { pid: process.pid }, 29 * 60_000);
    expect((await withRepositoryLock(KEY, async () => 'ran', options('prune'))).acquired).toBe(false);
  });

  it('cannot probe another host’s pid: its lock blocks until it is stale by age', async () => {
    await writeHolder(KEY, { pid: DEAD_PID, host: 'other-runner' });
    expect((await withRepositoryLock(KEY, async () => 'ran', options('prune'))).acquired).toBe(false);
    await writeHolder(KEY, { pid: DEAD_PID, host: 'other-runner' }, 2 * 3_600_000);
    expect((await withRepositoryLock(KEY, async () => 'ran', options('prune'))).acquired).toBe(true);
  });

  it('treats an unreadable lock file as held while it may be being written, as stale once old', async () => {
    const file = await writeHolder(KEY, {});
    await writeFile(file, '');
    expect((await withRepositoryLock(KEY, async () => 'ran', options('prune'))).acquired).toBe(false);
    const then = new Date(Date.now() - 120_000);
    await utimes(file, then, then);
    const result = await withRepositoryLock(KEY, async () => 'ran', options('prune'));
    expect(result).toEqual({ acquired: true, value: 'ran' });
  });

  it('releases the lock when fn throws, and passes the error on', async () => {
    await expect(
      withRepositoryLock(
        KEY,
        async () => {
          throw new Error('restic failed');
        },
        options('backup'),
      ),
    ).rejects.toThrow('restic failed');
    expect(await exists(lockPath(stateDir, KEY))).toBe(false);
    expect(await withRepositoryLock(KEY, async () => 'next', options('forget'))).toEqual({
      acquired: true,
      value: 'next',
    });
  });

  it('runs jobs of this process on one repository one after another', async () => {
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const job = (name: string) =>
      withRepositoryLock(
        KEY,
        async () => {
          inside++;
          most = Math.max(most, inside);
          order.push(`start ${name}`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`end ${name}`);
          inside--;
          return name;
        },
        options(name),
      );
    const results = await Promise.all([job('backup'), job('forget'), job('prune')]);
    expect(results.map((r) => r.acquired)).toEqual([true, true, true]);
    expect(most).toBe(1);
    expect(order).toEqual([
      'start backup',
      'end backup',
      'start forget',
      'end forget',
      'start prune',
      'end prune',
    ]);
  });

  it('lets jobs on two repositories overlap', async () => {
    // Each job waits until both are inside: serialised, they would time out.
    let arrived = 0;
    let bothInside!: () => void;
    const together = new Promise<void>((resolve) => {
      bothInside = resolve;
    });
    const job = (key: string) =>
      withRepositoryLock(
        key,
        async () => {
          if (++arrived === 2) bothInside();
          await Promise.race([
            together,
            // Generous: serialised, they would never meet; together, they meet at once even on a loaded machine.
            new Promise((_, reject) => setTimeout(() => reject(new Error('serialised')), 10_000)),
          ]);
          return key;
        },
        options(`backup ${key}`),
      );
    const [a, b] = await Promise.all([job('lisle/lisle-nas/share'), job('lisle/lisle-nas/finance')]);
    expect(a.acquired && b.acquired).toBe(true);
    expect((await readdir(path.join(stateDir, 'locks'))).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('does not delete a lock that another process took over from it', async () => {
    const attempt = await acquireRepositoryLock(KEY, options('prune'));
    expect(attempt.acquired).toBe(true);
    if (!attempt.acquired) return;
    const file = await writeHolder(KEY, { token: 'someone-else' });
    await attempt.lock.release();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ token: 'someone-else' });
  });

  it('refreshes the file time while held, so a long job is not judged stale', async () => {
    const file = lockPath(stateDir, KEY);
    await withRepositoryLock(
      KEY,
      async () => {
        const then = new Date(Date.now() - 3_600_000);
        await utimes(file, then, then);
        // Poll for the refresh rather than sleep a fixed time: on a loaded machine the 20 ms timer runs late.
        const until = Date.now() + 10_000;
        while (Date.now() - (await stat(file)).mtimeMs >= 10_000 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        expect(Date.now() - (await stat(file)).mtimeMs).toBeLessThan(10_000);
      },
      options('prune', { refreshMs: 20 }),
    );
  });

  it('says in one line when the state directory cannot hold locks', async () => {
    const blocker = path.join(stateDir, 'not-a-dir');
    await writeFile(blocker, '');
    await expect(
      withRepositoryLock(KEY, async () => 'ran', { stateDir: blocker, job: 'backup' }),
    ).rejects.toThrow(/^cannot create the lock directory ".*not-a-dir\/locks": (ENOTDIR|EEXIST)$/);
  });
});
