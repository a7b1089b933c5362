import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { demo } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureLines } from './demo.js';

// The built CLI (run `npx tsc -b` first): usage errors, the JSON document of a real run, and a run whose
// restic is missing failing with the catalogue's fix. The steps themselves are proven in runners' e2e test.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

const lifeboat = (args: string[], env: NodeJS.ProcessEnv = { PATH: process.env.PATH }) => {
  const run = spawnSync(process.execPath, [MAIN, 'demo', ...args], {
    encoding: 'utf8',
    env,
    // A whole demo (real restic, rclone, partclone) took 77 s on a loaded 2-core machine: room to finish, a
    // bound for a hang.
    timeout: 180_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

let parent = '';
beforeAll(async () => {
  parent = await mkdtemp(path.join(tmpdir(), 'lifeboat-demo-cli-'));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('lifeboat demo: usage', () => {
  it('refuses a --workdir that does not exist, in one line, creating nothing', () => {
    const missing = path.join(parent, 'nope');
    const run = lifeboat(['--workdir', missing]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`lifeboat demo: --workdir "${missing}" is not an existing directory\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses a --workdir that is a file', async () => {
    const file = path.join(parent, 'a-file');
    await writeFile(file, 'x');
    const run = lifeboat(['--workdir', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is not an existing directory\n$/);
    await rm(file);
  });

  it('refuses an unknown option', () => {
    const run = lifeboat(['--fast']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--fast'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('failureLines', () => {
  const step = (over: Partial<demo.DemoStep>): demo.DemoStep => ({
    step: 'backup',
    subject: 'p',
    outcome: 'ok',
    durationSeconds: 1,
    figure: '',
    records: [],
    ...over,
  });

  it('names every failing step and gives each code its fix once', () => {
    const result: demo.DemoResult = {
      ok: false,
      workDir: '/tmp/x',
      kept: false,
      records: [],
      wallSeconds: 1,
      steps: [
        step({ subject: 'a' }),
        step({ subject: 'b', outcome: 'failed', error: { code: 'restic.x', message: 'boom' }, fix: 'do y' }),
        step({
          step: 'check',
          subject: 'b',
          outcome: 'failed',
          error: { code: 'restic.x', message: 'boom' },
          fix: 'do y',
        }),
        step({ step: 'forget', subject: 'b', outcome: 'skipped', reason: 'waits for a backup' }),
      ],
    };
    expect(failureLines(result)).toEqual([
      'backup b ended failed — restic.x: boom',
      'check b ended failed — restic.x: boom',
      'forget b ended skipped — waits for a backup',
      'fix for restic.x: do y',
    ]);
  });

  it('says nothing for a clean run', () => {
    expect(
      failureLines({ ok: true, workDir: '/x', kept: false, records: [], wallSeconds: 1, steps: [step({})] }),
    ).toEqual([]);
  });
});

describe('lifeboat demo: real runs', () => {
  it('--json: every step ok, one document, nothing left in --workdir', { timeout: 200_000 }, async () => {
    const run = lifeboat(['--json', '--workdir', parent]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as Omit<demo.DemoResult, 'records'> & { records: number };
    expect(doc.ok).toBe(true);
    expect(doc.steps.map((s) => `${s.step}:${s.outcome}`).filter((s) => !s.endsWith(':ok'))).toEqual([]);
    expect(doc.steps.length).toBe(16);
    // The last step: the runbook pages of the demo site, generated from the records just written.
    expect(doc.steps.at(-1)).toMatchObject({ step: 'docs', outcome: 'ok' });
    expect(doc.steps.at(-1)?.figure).toMatch(/^\d+ pages in the work directory$/);
    expect(doc.records).toBe(13);
    expect(doc.report?.summary.green).toBe(3);
    expect(await readdir(parent)).toEqual([]);
  });

  it('without restic: exit 1, the failing steps and the catalogue fix', { timeout: 200_000 }, async () => {
    // Every program on PATH except restic, through a directory of symlinks.
    const bin = await mkdtemp(path.join(tmpdir(), 'lifeboat-demo-bin-'));
    try {
      for (const dir of (process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'))) {
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          if (name === 'restic') continue;
          await symlink(path.join(dir, name), path.join(bin, name)).catch(() => undefined);
        }
      }
      const run = lifeboat(['--workdir', parent], { PATH: bin });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /lifeboat demo: backup demo-office-share ended failed — restic\.not-installed/,
      );
      expect(run.stderr.match(/fix for restic\.not-installed: Install restic/g)).toHaveLength(1);
      // The image jobs do not need restic: they still ran, and the table says which steps failed.
      expect(run.stdout).toMatch(/^image-drill\s+demo-kiosk-sdcard\s+ok/m);
      expect(run.stdout).toMatch(/^backup\s+demo-office-share\s+FAILED/m);
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
