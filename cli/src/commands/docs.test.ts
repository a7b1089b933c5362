import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureRecords } from '../../../docs-site/src/testing/fixture-state.js';

// End to end with the built CLI (run `npx tsc -b` first). The Docusaurus build itself is exercised by
// docs-site's browser test; here: generation, flags and every bad input.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const lifeboat = (args: string[]) => {
  const run = spawnSync(process.execPath, [MAIN, 'docs', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-docs-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A usage error is one line on stderr, no stack trace, exit 2. */
const expectUsage = (run: ReturnType<typeof lifeboat>, pattern: RegExp) => {
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
};

describe('lifeboat docs', () => {
  it('generates the pages from the inventory and run records without building, with a JSON summary', async () => {
    const stateDir = path.join(tmp, 'state');
    await writeFixtureRecords(stateDir);
    const docsDir = path.join(tmp, 'docs');
    const run = lifeboat([
      '--root',
      ROOT,
      '--state-dir',
      stateDir,
      '--docs-dir',
      docsDir,
      '--no-build',
      '--now',
      '2025-01-15T12:00:00Z',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      pages: number;
      docsDir: string;
      build?: unknown;
      problems: unknown[];
    };
    expect(summary.docsDir).toBe(docsDir);
    expect(summary.build).toBeUndefined();
    const policies = await readdir(path.join(docsDir, 'policies'));
    expect(policies).toContain('lisle-finance-share.md');
    expect(summary.pages).toBeGreaterThan(policies.length);
    expect(await readFile(path.join(docsDir, 'index.md'), 'utf8')).toMatch(/slug: \//);
    // Troubleshooting explains every code lifeboat emits, the Slack bot's and the runbook lint's included.
    const troubleshooting = await readFile(path.join(docsDir, 'troubleshooting.md'), 'utf8');
    for (const code of [
      'authz.self-approval',
      'runbook.missing-section',
      'restic.locked',
      'schedule.exceeds-rpo',
    ])
      expect(troubleshooting).toContain(`{#${code.replaceAll('.', '-')}}`);
    // Same inputs, same bytes.
    const first = await readFile(path.join(docsDir, 'policies', 'lisle-finance-share.md'), 'utf8');
    expect(
      lifeboat([
        '--root',
        ROOT,
        '--state-dir',
        stateDir,
        '--docs-dir',
        docsDir,
        '--no-build',
        '--now',
        '2025-01-15T12:00:00Z',
      ]).status,
    ).toBe(0);
    expect(await readFile(path.join(docsDir, 'policies', 'lisle-finance-share.md'), 'utf8')).toBe(first);
  });

  it('refuses a bad --port, --now, --root or --state-dir in one line', async () => {
    expectUsage(lifeboat(['--root', ROOT, '--port', 'http']), /--port "http" is not a port number/);
    expectUsage(lifeboat(['--root', ROOT, '--port', '70000']), /--port "70000" is not a port number/);
    expectUsage(lifeboat(['--root', ROOT, '--now', 'yesterday']), /--now "yesterday" is not a time/);
    expectUsage(lifeboat(['--root', path.join(tmp, 'nowhere')]), /--root .* does not exist/);
    const empty = path.join(tmp, 'empty');
    await mkdir(empty, { recursive: true });
    expectUsage(lifeboat(['--root', empty]), /--root .* has none of sites\/, policies\/, images\//);
    expectUsage(
      lifeboat(['--root', ROOT, '--state-dir', path.join(tmp, 'no-state')]),
      /--state-dir .* does not exist/,
    );
  });

  it('builds nothing from an inventory with errors: problems at file:line:col, exit 1', async () => {
    const root = path.join(tmp, 'broken');
    await mkdir(path.join(root, 'policies'), { recursive: true });
    await writeFile(
      path.join(root, 'policies', 'bad.yaml'),
      'apiVersion: lifeboat/v1\nkind: BackupPolicy\nmetadata: [\n',
    );
    const out = path.join(tmp, 'broken-build');
    const run = lifeboat(['--root', root, '--docs-dir', path.join(tmp, 'broken-docs'), '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/policies\/bad\.yaml:\d+:\d+: error: /);
    expect(run.stderr).toMatch(/nothing built \(run lifeboat validate\)/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('will not serve a site that was never built', () => {
    const run = lifeboat([
      '--root',
      ROOT,
      '--docs-dir',
      path.join(tmp, 'serve-docs'),
      '--out',
      path.join(tmp, 'never-built'),
      '--no-build',
      '--serve',
      '--port',
      '0',
    ]);
    expectUsage(run, /holds no built site: run without --no-build/);
  });

  it('serves a built site on 127.0.0.1 until interrupted, then exits 0', async () => {
    const out = path.join(tmp, 'prebuilt');
    await mkdir(path.join(out, 'policies'), { recursive: true });
    await writeFile(path.join(out, 'index.html'), '<h1>home</h1>');
    await writeFile(path.join(out, 'policies', 'lisle-finance-share.html'), '<h1>finance</h1>');
    const child = spawn(
      process.execPath,
      [
        MAIN,
        'docs',
        '--root',
        ROOT,
        '--docs-dir',
        path.join(tmp, 'serve-docs-2'),
        '--out',
        out,
        '--no-build',
        '--serve',
        '--port',
        '0',
      ],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString('utf8');
          const m = /serving (http:\/\/127\.0\.0\.1:[0-9]+)\//.exec(stderr);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
      });
      const page = await fetch(`${url}/policies/lisle-finance-share`, {
        signal: AbortSignal.timeout(10_000),
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('<h1>finance</h1>');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  }, 60_000);
});
