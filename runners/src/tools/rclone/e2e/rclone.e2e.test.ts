// The rclone adapter against the real rclone: a local dir synced to a `:local:` "cloud", and a loopback
// WebDAV server for credentials passed through the environment.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../exec/exec.js';
import type { RcloneProgress } from '../parse.js';
import { check, lsjson, obscure, size, sync } from '../rclone.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const waitForPort = async (port: number, deadline = Date.now() + 10_000) => {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
};

describe('rclone adapter with the real rclone', () => {
  let dir = '';
  let src = '';
  let cloud = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-rclone-e2e-'));
    src = join(dir, 'src');
    cloud = `:local:${join(dir, 'cloud')}`;
    await mkdir(join(src, 'configs'), { recursive: true });
    await writeFile(join(src, 'terminal.img.zst'), randomBytes(300_000));
    await writeFile(join(src, 'configs', 'lane-1.json'), '{"lane":1}\n');
    await writeFile(join(src, 'configs', 'lane-2.json'), '{"lane":2}\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sync → check equal; one modified file → check reports exactly 1 difference', async () => {
    const progress: RcloneProgress[] = [];
    const synced = await sync(src, cloud, { onProgress: (p) => progress.push(p) });
    expect(synced.outcome).toBe('ok');
    expect(synced.version).toMatch(/^1\.\d+\.\d+/);
    expect(synced.report).toMatchObject({ transfers: 3, errors: 0 });
    expect(progress.at(-1)).toMatchObject({ transfers: 3, totalTransfers: 3 });

    const equal = await check(src, cloud);
    expect(equal.outcome).toBe('ok');
    expect(equal.report).toMatchObject({ differences: 0, matching: 3 });

    const [a, b] = await Promise.all([size(src), size(cloud)]);
    expect(a.outcome === 'ok' && b.outcome === 'ok' && a.value).toEqual(b.outcome === 'ok' && b.value);
    const listed = await lsjson(cloud, { recursive: true, filesOnly: true });
    expect(listed.outcome === 'ok' && listed.value.map((e) => e.path).sort()).toEqual([
      'configs/lane-1.json',
      'configs/lane-2.json',
      'terminal.img.zst',
    ]);

    await appendFile(join(src, 'configs', 'lane-2.json'), 'changed\n');
    const differs = await check(src, cloud);
    expect(differs.outcome).toBe('failed');
    expect(differs.outcome !== 'ok' && differs.outcome !== 'partial' && differs.error.code).toBe(
      'rclone.differences',
    );
    expect(differs.report.differences).toBe(1);
    expect(differs.report.items).toEqual([{ path: 'configs/lane-2.json', problem: 'sizes differ' }]);
  }, 60_000);

  it('an interrupted throttled sync converges on the rerun and check is clean', async () => {
    for (let i = 0; i < 4; i++) await writeFile(join(src, `chunk-${i}.bin`), randomBytes(1_000_000));
    const controller = new AbortController();
    const seen: RcloneProgress[] = [];
    const interrupted = await sync(src, cloud, {
      bwlimit: '1M',
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.bytes > 0) controller.abort();
      },
    });
    expect(interrupted.outcome).toBe('cancelled');
    expect(seen.at(-1)?.bytes).toBeLessThan(seen.at(-1)?.totalBytes ?? 0);
    const before = await check(src, cloud);
    expect(before.outcome).toBe('failed');
    expect(before.report.differences).toBeGreaterThan(0);

    const rerun = await sync(src, cloud);
    expect(rerun.outcome).toBe('ok');
    const after = await check(src, cloud);
    expect(after.outcome).toBe('ok');
    expect(after.report.differences).toBe(0);
  }, 60_000);

  it('a missing source is directory-not-found, and a bad path never reaches rclone', async () => {
    const missing = await sync(join(dir, 'missing'), cloud, { retries: 1 });
    expect(missing.outcome).toBe('failed');
    expect(missing.outcome === 'failed' && missing.error.code).toBe('rclone.directory-not-found');
    expect(missing.exitCode).toBe(3);

    const bad = await sync('relative/path', cloud);
    expect(bad.outcome === 'failed' && bad.error.code).toBe('rclone.invalid-argument');
    expect(bad.exitCode).toBeUndefined();
  }, 60_000);

  it('credentials only through RCLONE_CONFIG_* env: wrong password → auth, right one → sync and check ok', async () => {
    const port = await freePort();
    const server = new AbortController();
    const davRoot = join(dir, 'dav');
    await mkdir(davRoot);
    const serving = exec(
      'rclone',
      ['serve', 'webdav', '--config', '', '--addr', `127.0.0.1:${port}`, davRoot],
      // rclone reads --user/--pass flags from RCLONE_USER/RCLONE_PASS, keeping them out of argv too.
      { signal: server.signal, env: { RCLONE_USER: 'lifeboat', RCLONE_PASS: 'right-password' } },
    );
    try {
      await waitForPort(port);
      const remote = async (password: string) => {
        const pass = await obscure(password);
        if (pass.outcome !== 'ok') throw new Error('obscure failed');
        expect(pass.value).not.toBe(password);
        return { type: 'webdav', url: `http://127.0.0.1:${port}`, user: 'lifeboat', pass: pass.value };
      };
      const wrong = await lsjson('dav:', {
        remotes: { dav: await remote('wrong') },
        retries: 1,
        lowLevelRetries: 1,
      });
      expect(wrong.outcome).toBe('auth');
      expect(wrong.outcome === 'auth' && wrong.error.code).toBe('rclone.auth');

      const remotes = { dav: await remote('right-password') };
      expect((await sync(src, 'dav:offsite', { remotes })).outcome).toBe('ok');
      const verified = await check(src, 'dav:offsite', { remotes });
      expect(verified.outcome).toBe('ok');
      expect(verified.report.matching).toBe(3);
    } finally {
      server.abort();
      await serving;
    }
  }, 60_000);
});
