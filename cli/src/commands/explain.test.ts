import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BOT_CATALOGUE } from '@lifeboat/bot';
import { CORE_CATALOGUE } from '@lifeboat/core';
import { DOCS_CATALOGUE } from '@lifeboat/docs-site';
import { fullCatalogue, RUNNER_CATALOGUE } from '@lifeboat/runners';
import { catalogue } from '@lifeboat/validators';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit.js';
import { everyCode, explain, nearestCodes } from './explain-catalogue.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

describe('lifeboat explain CODE', () => {
  it("prints a runner code's title, cause and fix", () => {
    const out = explain('restic.locked');
    expect(out.exitCode).toBe(EXIT.ok);
    expect(out.stderr).toBe('');
    const entry = RUNNER_CATALOGUE['restic.locked'];
    expect(out.stdout).toBe(
      `restic.locked: ${entry?.title}\n\ncause: ${entry?.cause}\nfix:   ${entry?.fix}\n`,
    );
  });

  it("explains core's and the validation rules' codes too", () => {
    expect(explain('yaml.duplicate-key').stdout).toContain(CORE_CATALOGUE['yaml.duplicate-key']?.fix);
    const ruleCode = Object.keys(catalogue()).find((c) => CORE_CATALOGUE[c] === undefined);
    expect(ruleCode).toBeDefined();
    expect(explain(ruleCode).exitCode).toBe(EXIT.ok);
  });

  it("explains the Slack bot's and the docs build's codes, none of them clashing with another", () => {
    const authz = Object.keys(BOT_CATALOGUE)[0] ?? 'missing';
    const runbook = Object.keys(DOCS_CATALOGUE)[0] ?? 'missing';
    expect(explain(authz).stdout).toContain(BOT_CATALOGUE[authz as keyof typeof BOT_CATALOGUE]?.fix);
    expect(explain(runbook).stdout).toContain(DOCS_CATALOGUE[runbook]?.fix);
    // fullCatalogue throws on a code explained twice differently; everyCode() must not.
    expect(Object.keys(everyCode()).length).toBe(
      new Set([
        ...Object.keys(fullCatalogue(catalogue())),
        ...Object.keys(BOT_CATALOGUE),
        ...Object.keys(DOCS_CATALOGUE),
      ]).size,
    );
  });

  it('accepts a code in capitals or with spaces around it', () => {
    expect(explain(' HOOK.TIMEOUT ').stdout).toMatch(/^hook\.timeout: Hook timed out\n/);
  });

  it('prints JSON with --json', () => {
    const out = explain('credentials.missing', { json: true });
    expect(JSON.parse(out.stdout)).toEqual({
      version: 1,
      code: 'credentials.missing',
      ...RUNNER_CATALOGUE['credentials.missing'],
    });
  });
});

describe('lifeboat explain with an unknown code', () => {
  it('fails with one line naming the nearest codes', () => {
    const out = explain('restic.lockd');
    expect(out.exitCode).toBe(EXIT.problems);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /^lifeboat explain: unknown code "restic\.lockd"; nearest: restic\.locked(, [a-z.-]+)*\n$/,
    );
    expect(out.stderr.split('\n')).toHaveLength(2);
  });

  it('suggests by the last word when the prefix is wrong', () => {
    expect(nearestCodes('rclone.wrong-password', Object.keys(everyCode()))[0]).toBe('restic.wrong-password');
  });

  it('points at the list when nothing is close, and quotes hostile input on one line', () => {
    const out = explain('zzzzzzzz\n\u001b[31mqqqq');
    expect(out.exitCode).toBe(EXIT.problems);
    expect(out.stderr).toBe(
      'lifeboat explain: unknown code "zzzzzzzz\\n\\u001b[31mqqqq"; `lifeboat explain` lists every code\n',
    );
  });

  it('answers a huge argument at once, without suggestions', () => {
    const started = performance.now();
    const out = explain('x'.repeat(200_000));
    expect(out.exitCode).toBe(EXIT.problems);
    expect(out.stderr.length).toBeLessThan(200);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reports not found in JSON too', () => {
    const out = explain('hook.timeot', { json: true });
    expect(out.exitCode).toBe(EXIT.problems);
    expect(JSON.parse(out.stdout)).toEqual({
      version: 1,
      code: 'hook.timeot',
      found: false,
      nearest: expect.arrayContaining(['hook.timeout']),
    });
  });
});

describe('lifeboat explain without a code', () => {
  const full = everyCode();

  it('lists every code once, grouped under its prefix', () => {
    const out = explain(undefined);
    expect(out.exitCode).toBe(EXIT.ok);
    const listed = out.stdout
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed.sort()).toEqual(Object.keys(full).sort());
    const headings = out.stdout.split('\n').filter((l) => /^[a-z]/.test(l));
    expect(headings).toContain(`restic (${Object.keys(full).filter((c) => c.startsWith('restic.')).length})`);
    expect(headings).toContain('hook (5)');
  });

  it('lists one group for a prefix', () => {
    const out = explain('hook');
    expect(out.exitCode).toBe(EXIT.ok);
    expect(out.stdout.split('\n')[0]).toBe('hook (5)');
    expect(out.stdout).not.toContain('restic.');
  });

  it('prints the whole catalogue as JSON', () => {
    const parsed = JSON.parse(explain(undefined, { json: true }).stdout);
    expect(parsed.catalogue).toEqual(full);
    expect(parsed.groups.sync).toEqual(Object.keys(full).filter((c) => c.startsWith('sync.')));
  });
});

// The built command (run `npx tsc -b` first): registration, exit codes and streams end to end.
describe.skipIf(!existsSync(MAIN))('lifeboat explain (built CLI)', () => {
  const lifeboat = (args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });

  it('explains a code and exits 0', () => {
    const run = lifeboat(['explain', 'sync.source-not-repository']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^sync\.source-not-repository: /);
  });

  it('exits 1 with one line for an unknown code, and 2 for a bad flag', () => {
    const run = lifeboat(['explain', 'nope.nothing']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(lifeboat(['explain', '--bogus']).status).toBe(2);
  });
});
