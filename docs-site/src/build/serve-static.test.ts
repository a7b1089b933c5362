import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentType, type StaticServer, serveStatic } from './serve-static.js';

// The server sees raw request paths: node's fetch would normalise `..` away, so requests go out as written.
const get = (
  server: StaticServer,
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; type: string | undefined; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method, timeout: 5_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });

let tmp = '';
let server: StaticServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-serve-'));
  const site = path.join(tmp, 'site');
  await mkdir(path.join(site, 'policies'), { recursive: true });
  await mkdir(path.join(site, 'assets', 'js'), { recursive: true });
  await mkdir(path.join(site, 'sites', 'lisle'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<h1>home</h1>');
  await writeFile(path.join(site, '404.html'), '<h1>not here</h1>');
  await writeFile(path.join(site, 'policies', 'lisle-finance-share.html'), '<h1>finance</h1>');
  await writeFile(path.join(site, 'sites', 'lisle', 'index.html'), '<h1>lisle</h1>');
  await writeFile(path.join(site, 'assets', 'js', 'main.1a2b.js'), 'console.log(1)');
  await writeFile(path.join(site, 'search index.json'), '{}');
  await writeFile(path.join(tmp, 'secret.txt'), 'do not serve');
  await symlink(path.join(tmp, 'secret.txt'), path.join(site, 'leak.txt'));
  server = await serveStatic({ dir: site });
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('serveStatic', () => {
  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
  });

  it('serves Docusaurus clean URLs: / → index.html, /a → a.html, /a/b → a/b/index.html', async () => {
    expect(await get(server, '/')).toMatchObject({ status: 200, body: '<h1>home</h1>' });
    expect(await get(server, '/policies/lisle-finance-share')).toMatchObject({
      status: 200,
      body: '<h1>finance</h1>',
    });
    expect(await get(server, '/sites/lisle')).toMatchObject({ status: 200, body: '<h1>lisle</h1>' });
    expect(await get(server, '/sites/lisle/')).toMatchObject({ status: 200, body: '<h1>lisle</h1>' });
    expect(await get(server, '/search%20index.json?x=1#y')).toMatchObject({ status: 200, body: '{}' });
  });

  it('sends the right content types', async () => {
    expect((await get(server, '/')).type).toBe('text/html; charset=utf-8');
    expect((await get(server, '/assets/js/main.1a2b.js')).type).toBe('text/javascript; charset=utf-8');
    expect((await get(server, '/search%20index.json')).type).toBe('application/json; charset=utf-8');
    expect(contentType('a.svg')).toBe('image/svg+xml');
    expect(contentType('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentType('noext')).toBe('application/octet-stream');
  });

  it('answers a missing page with the site 404 page and status 404', async () => {
    expect(await get(server, '/policies/nope')).toMatchObject({ status: 404, body: '<h1>not here</h1>' });
  });

  it('refuses paths that leave the site, however they are spelled', async () => {
    for (const p of [
      '/../secret.txt',
      '/policies/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%00',
      '/%E0%A4%A',
    ])
      expect((await get(server, p)).status, p).toBe(403);
    const leak = await get(server, '/leak.txt');
    expect(leak.status).toBe(403);
    expect(leak.body).not.toContain('do not serve');
  });

  it('serves GET and HEAD only', async () => {
    expect(await get(server, '/', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect((await get(server, '/', 'POST')).status).toBe(405);
  });

  it('refuses to bind anything but loopback', async () => {
    // @ts-expect-error: the type allows loopback hosts only; a caller bypassing it still gets no public socket.
    await expect(serveStatic({ dir: tmp, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
