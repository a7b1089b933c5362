import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupPolicy, Inventory } from '@lifeboat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf, PASSWORD, PASSWORD_VAR, policyDoc, siteDoc } from '../jobs/testing/restic-site.js';
import { fakeRestic } from '../tools/restic/testing/fake-restic.js';
import { fixture } from '../tools/restic/testing/fixtures.js';
import { PREVIEW_CODES } from './codes.js';
import { changedPolicies, previewRetention, runnerProblem, sortPreviews } from './preview.js';
import { previewFixture } from './testing/fixtures.js';
import type { PolicyPreview } from './types.js';

// The preview's decisions without a repository: which policies it queries, what it refuses, how failures
// read, and the exact restic command lines (a stand-in restic records them).

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lifeboat-retention-preview-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const REPO = 'rest:http://127.0.0.1:9/';
const site = siteDoc({ repository: REPO });
const policy = (name: string, more: Partial<BackupPolicy['spec']> = {}, site0 = 'lisle') =>
  policyDoc({
    name,
    site: site0,
    sources: ['/srv/data'],
    path: 'shared',
    more: { retention: { keepDaily: 7 }, ...more },
  });
const inv = (...policies: BackupPolicy[]): Inventory =>
  inventoryOf([site, siteDoc({ name: 'portage', repository: REPO })], policies);

const names = (base: Inventory, head: Inventory) =>
  changedPolicies(base, head, 'lisle').map((c) => c.after.value.metadata.name);

describe('changedPolicies', () => {
  it('queries only the site’s policies whose forget would change: rules or host', () => {
    const base = inv(
      policy('same'),
      policy('tightened'),
      policy('hosted'),
      policy('removed'),
      policy('elsewhere', {}, 'portage'),
    );
    const head = inv(
      policy('same'),
      policy('tightened', { retention: { keepDaily: 3 } }),
      policy('hosted', { host: 'pve01' }),
      policy('added', { retention: { keepDaily: 1 } }),
      policy('elsewhere', { retention: { keepDaily: 1 } }, 'portage'),
    );
    expect(names(base, head)).toEqual(['hosted', 'tightened']);
  });

  it('a rewrite that gives restic the same rules (2w = 14d, other key order) is not a change', () => {
    const base = inv(policy('a', { retention: { keepWithin: '2w', keepDaily: 7 } }));
    const head = inv(policy('a', { retention: { keepDaily: 7, keepWithin: '14d' } }));
    expect(names(base, head)).toEqual([]);
  });

  it('marks a policy whose repository also moved', () => {
    const [c] = changedPolicies(
      inv(policy('a')),
      inv(policy('a', { retention: { keepDaily: 3 }, repository: { target: 'nas', path: 'elsewhere' } })),
      'lisle',
    );
    expect(c?.moved).toBe(true);
  });
});

const options = (
  binary: string,
  base: Inventory,
  head: Inventory,
  env: Record<string, string> = { [PASSWORD_VAR]: PASSWORD },
) => ({
  base,
  head,
  site: 'lisle',
  env,
  stateDir: join(root, 'state'),
  resticBinary: binary,
  timeoutMs: 20_000,
});

describe('previewRetention with a stand-in restic', () => {
  it('runs forget --dry-run --no-lock twice, scoped exactly as the real forget, never without --dry-run', async () => {
    const fake = await fakeRestic(join(root, 'argv'), {
      version: '0.14.0',
      reply: previewFixture('keep-daily-3-after'),
    });
    const base = inv(policy('office-share', { host: 'nas-client' }));
    const head = inv(policy('office-share', { host: 'nas-client', retention: { keepDaily: 3 } }));
    const preview = await previewRetention(options(fake.binary, base, head));
    const calls = await fake.calls();
    expect(calls.map((c) => c.argv)).toEqual(
      ['--keep-daily=7', '--keep-daily=3'].map((keep) => [
        `--cache-dir=${join(root, 'state', 'restic-cache')}`,
        'forget',
        '--json',
        keep,
        '--host=nas-client',
        '--tag=policy:office-share',
        '--group-by=host',
        '--dry-run',
        '--no-lock',
      ]),
    );
    expect(
      calls.every((c) => c.env.RESTIC_PASSWORD === PASSWORD && c.env.RESTIC_REPOSITORY === `${REPO}shared/`),
    ).toBe(true);
    expect(preview).toMatchObject({ site: 'lisle', resticVersion: '0.14.0' });
    expect(preview.policies[0]).toMatchObject({
      policy: 'office-share',
      file: 'policies/office-share.yaml',
      status: 'previewed',
      repository: `${REPO}shared/`,
      scope: { tag: 'policy:office-share', host: 'nas-client' },
      rulesBefore: { daily: 7 },
      rulesAfter: { daily: 3 },
      removed: [],
      total: 9,
    });
  });

  it('checks each answer against its own rules’ scope when the host changes', async () => {
    // A stand-in that answers the old rules (keep-daily=7, old host) and the new ones (keep-daily=3) differently.
    const dir = join(root, 'host-change');
    await mkdir(dir, { recursive: true });
    const old = previewFixture('keep-daily-7-before').stdout.replaceAll(
      '"hostname":"nas-client"',
      '"hostname":"old-host"',
    );
    await writeFile(join(dir, 'before.json'), old);
    await writeFile(join(dir, 'after.json'), previewFixture('keep-daily-3-after').stdout);
    const binary = join(dir, 'restic');
    await writeFile(
      binary,
      `#!/bin/sh\nif [ "$1" = version ]; then echo 'restic 0.14.0 compiled with go1.19.8 on linux/amd64'; exit 0; fi\n` +
        `case "$*" in *--host=old-host*) cat '${dir}/before.json';; *) cat '${dir}/after.json';; esac\n`,
    );
    await chmod(binary, 0o755);
    const base = inv(policy('office-share', { host: 'old-host' }));
    const head = inv(policy('office-share', { host: 'nas-client', retention: { keepDaily: 3 } }));
    const preview = await previewRetention(options(binary, base, head));
    expect(preview.policies[0]).toMatchObject({ status: 'previewed', scope: { host: 'nas-client' } });
    expect(preview.policies[0]?.removed).toHaveLength(4);
  });

  it('refuses new rules without a keep rule and never starts restic', async () => {
    const fake = await fakeRestic(join(root, 'no-rule'), { version: '0.14.0' });
    const preview = await previewRetention(
      options(fake.binary, inv(policy('a')), inv(policy('a', { retention: {} }))),
    );
    expect(await fake.calls()).toEqual([]);
    expect(preview.policies).toMatchObject([
      { policy: 'a', status: 'refused', error: { code: 'restic.forget-no-rule' }, rulesBefore: { daily: 7 } },
    ]);
    expect(preview.policies[0]?.rulesAfter).toBeUndefined();
  });

  it('old rules without a keep rule: only the new rules are asked, and everything they remove counts as deleted', async () => {
    const fake = await fakeRestic(join(root, 'old-no-rule'), {
      version: '0.14.0',
      reply: previewFixture('keep-daily-3-after'),
    });
    const preview = await previewRetention(
      options(
        fake.binary,
        inv(policy('a', { retention: {} })),
        inv(policy('a', { retention: { keepDaily: 3 } })),
      ),
    );
    expect(await fake.calls()).toHaveLength(1);
    // The fixture's snapshots carry another policy's tag: the scope check catches that.
    expect(preview.policies[0]).toMatchObject({
      status: 'failed',
      error: { code: 'retention-preview.scope-violated' },
    });
  });

  it.each([
    ['wrong-password', 'auth', 'restic.wrong-password'],
    ['repository-unreachable', 'failed', 'restic.unreachable'],
    ['locked-forget', 'locked', 'restic.locked'],
  ])('a repository restic cannot read (%s) gets a failed section with its code', async (scenario, outcome, code) => {
    const fake = await fakeRestic(join(root, `fail-${scenario}`), {
      version: '0.14.0',
      reply: fixture('v0.14', scenario),
    });
    const preview = await previewRetention(
      options(fake.binary, inv(policy('a')), inv(policy('a', { retention: { keepDaily: 3 } }))),
    );
    expect(preview.policies).toMatchObject([{ policy: 'a', status: 'failed', error: { code, outcome } }]);
    expect(await fake.calls()).toHaveLength(1);
  });

  it('missing credentials: a failed section naming the variable, restic never started', async () => {
    const fake = await fakeRestic(join(root, 'no-creds'), { version: '0.14.0' });
    const preview = await previewRetention(
      options(fake.binary, inv(policy('a')), inv(policy('a', { retention: { keepDaily: 3 } })), {}),
    );
    expect(preview.policies[0]).toMatchObject({
      status: 'failed',
      error: { code: 'credentials.missing', outcome: 'auth' },
    });
    expect(preview.policies[0]?.error?.message).toContain(PASSWORD_VAR);
    expect(await fake.calls()).toEqual([]);
  });

  it('a moved repository is skipped with its code, restic never started', async () => {
    const fake = await fakeRestic(join(root, 'moved'), { version: '0.14.0' });
    const head = inv(
      policy('a', { retention: { keepDaily: 3 }, repository: { target: 'nas', path: 'new' } }),
    );
    const preview = await previewRetention(options(fake.binary, inv(policy('a')), head));
    expect(preview.policies[0]).toMatchObject({
      status: 'skipped',
      error: { code: 'retention-preview.repository-moved' },
    });
    expect(await fake.calls()).toEqual([]);
  });

  it('every code of its own it emits has a catalogue entry', async () => {
    const source = await readFile(new URL('./preview.ts', import.meta.url), 'utf8');
    const emitted = [...source.matchAll(/'(retention-preview\.[a-z-]+)'/g)].map((m) => m[1] ?? '');
    expect(emitted.length).toBeGreaterThan(1);
    expect(emitted.filter((c) => !(c in PREVIEW_CODES))).toEqual([]);
    for (const e of Object.values(PREVIEW_CODES))
      expect([e.title, e.cause, e.fix].every((t) => t.length > 10)).toBe(true);
  });
});

describe('sortPreviews', () => {
  const p = (policy: string, status: PolicyPreview['status'], removed = 0): PolicyPreview => ({
    policy,
    file: `policies/${policy}.yaml`,
    status,
    scope: { tag: `policy:${policy}` },
    removed: Array.from({ length: removed }, (_, i) => ({
      id: `${i}`.padStart(64, '0'),
      shortId: '00000000',
      time: '2026-01-01T00:00:00Z',
      host: 'h',
      paths: [],
      tags: [],
      reasons: [],
    })),
    newlyKept: [],
    removedAnyway: [],
    keptByBoth: 0,
    total: removed,
  });
  it('puts destructive sections first, then failures, then harmless ones, then skips', () => {
    const sorted = sortPreviews([
      p('e', 'skipped'),
      p('d', 'previewed'),
      p('c', 'failed'),
      p('b', 'previewed', 2),
      p('a', 'refused'),
    ]);
    expect(sorted.map((x) => x.policy)).toEqual(['b', 'a', 'c', 'd', 'e']);
  });
});

describe('runnerProblem', () => {
  it('is fine with restic and one repository’s credentials', async () => {
    const fake = await fakeRestic(join(root, 'runner-ok'), { version: '0.14.0' });
    expect(await runnerProblem(site, { [PASSWORD_VAR]: PASSWORD }, fake.binary)).toBeUndefined();
  });

  it('refuses a machine without restic', async () => {
    expect(await runnerProblem(site, { [PASSWORD_VAR]: PASSWORD }, join(root, 'no-restic'))).toBe(
      `restic is not usable here (restic.not-installed); --snapshots runs on site "lisle"'s runner`,
    );
  });

  it('refuses a machine without the site’s credentials (a pull-request runner), naming the variables', async () => {
    const fake = await fakeRestic(join(root, 'runner-no-creds'), { version: '0.14.0' });
    expect(await runnerProblem(site, {}, fake.binary)).toBe(
      `no repository credentials of site "lisle" are set here (such as ${PASSWORD_VAR}); --snapshots runs on the site's runner`,
    );
  });

  it('counts a password command only when its program exists here, and envFrom names only when set', async () => {
    const fake = await fakeRestic(join(root, 'runner-command'), { version: '0.14.0' });
    const withCommand = (command: string, envFrom: string[] = []) =>
      siteDoc({ repository: REPO, credentials: { passwordCommand: [command, 'x'], envFrom } });
    expect(await runnerProblem(withCommand('/bin/cat'), {}, fake.binary)).toBeUndefined();
    expect(await runnerProblem(withCommand('cat'), { PATH: '/usr/bin:/bin' }, fake.binary)).toBeUndefined();
    expect(await runnerProblem(withCommand('/nonexistent/creds'), {}, fake.binary)).toContain(
      'no repository credentials',
    );
    expect(await runnerProblem(withCommand('/bin/cat', ['REST_USER']), {}, fake.binary)).toContain(
      'no repository credentials',
    );
  });
});
