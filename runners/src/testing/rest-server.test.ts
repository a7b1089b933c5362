import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../exec/exec.js';
import { freePort, type RestServer, startRestServer } from './rest-server.js';

const dirs: string[] = [];
const servers: RestServer[] = [];

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-rest-server-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  await tempDir(); // dirs[0]: restic's cache, removed with the rest
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const restic = (
  repository: string,
  args: string[],
  timeoutMs = 20_000,
  more: { signal?: AbortSignal; onStderrLine?: (line: string) => void } = {},
) =>
  exec('restic', args, {
    env: {
      RESTIC_REPOSITORY: repository,
      RESTIC_PASSWORD: 'test-password',
      RESTIC_CACHE_DIR: join(dirs[0] ?? tmpdir(), 'restic-cache'),
    },
    timeoutMs,
    ...more,
  });

describe('startRestServer', () => {
  it('serves a restic repository on loopback, survives kill + restart on the same URL, and stops', async () => {
    const dir = await tempDir();
    const server = await startRestServer({ dir });
    servers.push(server);
    expect(server.url).toBe(`rest:http://127.0.0.1:${server.port}/`);
    expect((await restic(server.url, ['init'])).exitCode).toBe(0);
    expect(await readdir(dir)).toContain('config');

    server.kill();
    await expect.poll(() => server.running(), { timeout: 10_000 }).toBe(false);
    const down = await restic(server.url, ['cat', 'config']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('connection refused');

    await server.restart();
    expect(server.running()).toBe(true);
    expect((await restic(server.url, ['cat', 'config'])).exitCode).toBe(0);

    await server.stop();
    await server.stop();
    expect(server.running()).toBe(false);
  });

  it('requires the credentials when auth is set, and keeps them out of the plain url', async () => {
    const server = await startRestServer({ dir: await tempDir(), auth: { user: 'site', pass: 'p@ss word' } });
    servers.push(server);
    expect(server.url).not.toContain('site');
    expect(server.urlWithCredentials).toBe(`rest:http://site:p%40ss%20word@127.0.0.1:${server.port}/`);
    expect((await restic(server.url, ['init'])).stderr).toContain('401');
    expect((await restic(server.urlWithCredentials, ['init'])).exitCode).toBe(0);
    await server.stop();
  });

  it('append-only refuses deletes (forget cannot remove snapshots)', { timeout: 60_000 }, async () => {
    const server = await startRestServer({ dir: await tempDir(), appendOnly: true });
    servers.push(server);
    expect((await restic(server.url, ['init'])).exitCode).toBe(0);
    const source = await tempDir();
    expect((await restic(server.url, ['backup', source])).exitCode).toBe(0);
    expect((await restic(server.url, ['backup', source])).exitCode).toBe(0);
    // restic retries the refused delete with backoff for minutes: stop it once it has shown the refusal (a fixed
    // 4 s could end it before its first delete on a loaded machine).
    const refused = new AbortController();
    const forget = await restic(server.url, ['forget', '--keep-last=1'], 25_000, {
      signal: refused.signal,
      onStderrLine: (line) => {
        if (line.includes('403 Forbidden')) refused.abort();
      },
    });
    expect(forget.exitCode).not.toBe(0);
    expect(forget.stderr).toContain('403 Forbidden');
    // The killed forget leaves its exclusive lock behind: read without locking.
    const left = await restic(server.url, ['snapshots', '--json', '--no-lock']);
    expect(JSON.parse(left.stdout)).toHaveLength(2);
    await server.stop();
  });

  it('picks another port when the first one is taken between picking and binding', async () => {
    const taken = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', () => resolve()));
    const picked: number[] = [];
    const server = await startRestServer({
      dir: await tempDir(),
      pickPort: async () => {
        const port = picked.length === 0 ? taken : await freePort();
        picked.push(port);
        return port;
      },
    });
    servers.push(server);
    expect(picked[0]).toBe(taken);
    expect(picked.length).toBe(2);
    expect(server.port).toBe(picked[1]);
    await server.stop();
    await new Promise((resolve) => holder.close(resolve));
  });
});
