import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeBuildLock } from './build-lock.js';
import { buildSite } from './build-site.js';

// The failure paths of buildSite, without a real site build (that takes minutes: the browser test does it).

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-build-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('buildSite', () => {
  it('refuses to build pages that were never generated', async () => {
    const r = await buildSite({ docsDir: path.join(tmp, 'no-docs'), outDir: path.join(tmp, 'out') });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/pages directory .*no-docs does not exist: generate first/);
  });

  it('reports a Docusaurus failure in one line, from its own output', async () => {
    const site = path.join(tmp, 'broken-site');
    const docs = path.join(tmp, 'docs');
    await mkdir(site, { recursive: true });
    await mkdir(docs, { recursive: true });
    await writeFile(path.join(site, 'package.json'), '{"private": true}\n');
    await writeFile(
      path.join(site, 'docusaurus.config.js'),
      "throw new Error('config exploded on purpose');\n",
    );
    const lines: string[] = [];
    const r = await buildSite({
      siteDir: site,
      docsDir: docs,
      outDir: path.join(tmp, 'out'),
      onProgress: (l) => lines.push(l),
    });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/config exploded on purpose/);
    expect(r.error).not.toContain('\n');
    expect(lines.join('\n')).toContain('config exploded on purpose');
  }, 60_000);

  it('runs one build per site directory at a time', async () => {
    const site = path.join(tmp, 'locked-site');
    await mkdir(site, { recursive: true });
    const first = await takeBuildLock(site);
    expect(first.ok).toBe(true);
    const second = await takeBuildLock(site);
    expect(second).toEqual({ ok: false, holder: process.pid });
    const r = await buildSite({ siteDir: site, docsDir: tmp, outDir: path.join(tmp, 'out') });
    expect(r.error).toMatch(/another docusaurus build of .*locked-site is running/);
    if (first.ok) await first.release();
    const third = await takeBuildLock(site);
    expect(third.ok).toBe(true);
    if (third.ok) await third.release();
  });
});
