import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../ledger/testing/records.js';
import { writeRunRecord } from '../ledger/write-run-record.js';
import { useTempRoot } from '../testing/temp-root.js';
import { catConfig, init } from '../tools/restic/index.js';
import {
  credentialEnv,
  ensureRepository,
  joinRepository,
  policyOf,
  resolveRepository,
  resticCommandString,
} from './repository.js';
import { contextOf, inventoryOf, PASSWORD, PASSWORD_VAR, policyDoc, siteDoc } from './testing/restic-site.js';

const location = (base: string, path: string) => {
  const r = joinRepository(base, path);
  return r.ok ? r.value.location : `refused ${r.error.code}`;
};

describe('joinRepository', () => {
  it('appends the policy path to rest: URLs with exactly one slash, ending in one', () => {
    expect(location('rest:https://nas:8000/', 'share')).toBe('rest:https://nas:8000/share/');
    expect(location('rest:https://nas:8000', 'share')).toBe('rest:https://nas:8000/share/');
    expect(location('rest:https://nas:8000/lisle//', 'a/b')).toBe('rest:https://nas:8000/lisle/a/b/');
  });

  it('joins local paths, normalised', () => {
    const r = joinRepository('/srv/restic//', 'share');
    expect(r.ok && r.value).toMatchObject({
      kind: 'local',
      location: '/srv/restic/share',
      localPath: '/srv/restic/share',
    });
  });

  it('joins other backends with / or, after a bare bucket, with :', () => {
    expect(location('sftp:backup@nas:/srv/restic/', 'pos')).toBe('sftp:backup@nas:/srv/restic/pos');
    expect(location('s3:s3.amazonaws.com/bucket', 'pos')).toBe('s3:s3.amazonaws.com/bucket/pos');
    expect(location('b2:bucket', 'pos')).toBe('b2:bucket:pos');
    expect(location('b2:bucket:lisle', 'pos')).toBe('b2:bucket:lisle/pos');
    expect(location('rclone:cloud:', 'pos')).toBe('rclone:cloud:pos');
    expect(location('rclone:cloud:base', 'pos')).toBe('rclone:cloud:base/pos');
  });

  it('refuses what has no safe place for the path, and never shows URL credentials', () => {
    expect(location('rest:https://nas:8000/?x=1', 'p')).toBe('refused repository.unsupported-url');
    expect(location('ftp://nas/', 'p')).toBe('refused repository.unsupported-url');
    expect(location('relative/dir', 'p')).toBe('refused repository.unsupported-url');
    expect(location('rest:ftp://nas/', 'p')).toBe('refused repository.unsupported-url');
    expect(location('/srv', '../etc')).toBe('refused repository.bad-path');
    const secret = joinRepository('rest:https://user:s3cret@nas:8000/', 'share');
    expect(secret.ok && secret.value.location).toBe('rest:https://user:s3cret@nas:8000/share/');
    expect(secret.ok && secret.value.display).toBe('rest:https://nas:8000/share/');
    const refused = joinRepository('rest:https://user:s3cret@nas/?q', 'share');
    expect(refused.ok ? '' : refused.error.message).not.toContain('s3cret');
  });
});

describe('resticCommandString', () => {
  it('quotes each argument so restic splits it back', () => {
    const r = resticCommandString(['/usr/bin/systemd-creds', 'decrypt', '/etc/a b.cred', "it's", '-']);
    expect(r.ok && r.value).toBe(`'/usr/bin/systemd-creds' 'decrypt' '/etc/a b.cred' "it's" '-'`);
  });

  it('refuses arguments restic cannot receive', () => {
    for (const bad of [['a\\b'], [`both'"`], ['']]) {
      const r = resticCommandString(bad);
      expect(r.ok ? 'accepted' : r.error.code).toBe('credentials.bad-command');
    }
  });
});

describe('credentialEnv', () => {
  const env = { PW: 'hunter2', AWS_KEY: 'AKIA-secret' };

  it('takes the password from the named variable and copies envFrom names', () => {
    const r = credentialEnv({ passwordEnv: 'PW', envFrom: ['AWS_KEY'] }, env, 'NAS target "nas"');
    expect(r.ok && r.value).toEqual({ RESTIC_PASSWORD: 'hunter2', AWS_KEY: 'AKIA-secret' });
  });

  it('a missing variable is auth/credentials.missing, named, with no value shown', () => {
    const r = credentialEnv({ passwordEnv: 'NOT_SET', envFrom: ['AWS_KEY'] }, env, 'NAS target "nas"');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.outcome).toBe('auth');
    expect(r.error.code).toBe('credentials.missing');
    expect(r.error.message).toContain('NOT_SET');
    expect(r.error.message).not.toMatch(/hunter2|AKIA/);
    const empty = credentialEnv({ passwordEnv: 'PW', envFrom: ['EMPTY'] }, { ...env, EMPTY: '' }, 'x');
    expect(empty.ok ? '' : empty.error.message).toContain('EMPTY');
  });

  it('a command becomes RESTIC_PASSWORD_COMMAND; both or neither source is refused', () => {
    const r = credentialEnv({ passwordCommand: ['/bin/echo', 'a b'] }, env, 'x');
    expect(r.ok && r.value).toEqual({ RESTIC_PASSWORD_COMMAND: `'/bin/echo' 'a b'` });
    const both = credentialEnv({ passwordEnv: 'PW', passwordCommand: ['/bin/true'] }, env, 'x');
    expect(both.ok ? '' : both.error.code).toBe('credentials.ambiguous');
    const none = credentialEnv({}, env, 'x');
    expect(none.ok ? '' : none.error.code).toBe('credentials.missing');
  });
});

describe('repositories on a real restic (local directories)', () => {
  let root = '';
  useTempRoot('jobs-repo', (dir) => {
    root = dir;
  });

  it('a passwordCommand with spaces and quotes opens the repository restic made with that password', async () => {
    const repository = join(root, 'cmd');
    const password = `a b|it's`;
    const made = await init({
      repository,
      env: { RESTIC_PASSWORD: password },
      cacheDir: join(root, 'cache'),
    });
    expect(made.outcome).toBe('ok');
    const command = ['/bin/sh', '-c', 'printf "%s|%s" "$1" "$2"', 'sh', 'a b', "it's"];
    const site = siteDoc({ repository: root, credentials: { passwordCommand: command } });
    const policy = policyDoc({ name: 'cmd', sources: ['/srv'] });
    const { context } = contextOf({
      inventory: inventoryOf([site], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: join(root, 'sandbox'),
      env: {},
    });
    const repo = resolveRepository(context, policy);
    if (!repo.ok) throw new Error(repo.error.message);
    expect(repo.value.restic.env.RESTIC_PASSWORD).toBeUndefined();
    expect((await catConfig(repo.value.restic)).outcome).toBe('ok');
  });

  it('creates a missing repository once, and never re-creates one the ledger says held backups', async () => {
    const site = siteDoc({ repository: join(root, 'nas') });
    const policies = [
      policyDoc({ name: 'one', sources: ['/srv'] }),
      policyDoc({ name: 'two', sources: ['/srv'], path: 'one' }),
    ];
    const inventory = inventoryOf([site], policies);
    const stateDir = join(root, 'state-ensure');
    const { context } = contextOf({ inventory, stateDir, sandboxDir: join(root, 'sb') });
    const one = resolveRepository(context, policies[0] as (typeof policies)[0]);
    if (!one.ok) throw new Error(one.error.message);

    const first = await ensureRepository(one.value, context);
    expect(first).toMatchObject({ initialized: true });
    const again = await ensureRepository(one.value, context);
    expect(again.initialized).toBe(false);
    expect(again.failure).toBeUndefined();

    // Policy "two" shares the repository and has a successful backup on record; then the repository vanishes.
    await writeRunRecord(
      stateDir,
      makeRecord({ startedAt: '2026-01-01T00:00:00Z', policy: 'two', site: 'lisle' }),
    );
    await rm(join(root, 'nas', 'one'), { recursive: true, force: true });
    const vanished = await ensureRepository(one.value, context);
    expect(vanished.initialized).toBe(false);
    expect(vanished.failure?.error.code).toBe('repository.vanished');
    expect(vanished.failure?.error.message).toContain('"two"');
    expect((await catConfig(one.value.restic)).outcome).toBe('failed');
  });

  it('resolves policy, target and credentials, or says which is missing', () => {
    const site = siteDoc({ repository: join(root, 'nas') });
    const lost = policyDoc({
      name: 'lost',
      sources: ['/srv'],
      more: { repository: { target: 'other', path: 'x' } },
    });
    const elsewhere = policyDoc({ name: 'elsewhere', site: 'portage', sources: ['/srv'] });
    const inventory = inventoryOf(
      [site, siteDoc({ name: 'portage', repository: '/srv' })],
      [lost, elsewhere],
    );
    const { context } = contextOf({ inventory, stateDir: root, sandboxDir: root, env: {} });
    const missingTarget = resolveRepository(context, lost);
    expect(missingTarget.ok ? '' : missingTarget.error.code).toBe('repository.target-missing');
    const wrongSite = policyOf(context, { kind: 'policy', name: 'elsewhere' });
    expect(wrongSite.ok ? '' : wrongSite.error.code).toBe('job.wrong-site');
    const unknown = policyOf(context, { kind: 'policy', name: 'nope' });
    expect(unknown.ok ? '' : unknown.error.code).toBe('job.unknown-policy');
    const noPassword = resolveRepository(context, {
      ...lost,
      spec: { ...lost.spec, repository: { target: 'nas', path: 'x' } },
    });
    expect(noPassword.ok ? '' : `${noPassword.outcome} ${noPassword.error.message}`).toBe(
      `auth environment variable ${PASSWORD_VAR} (needed by the repository password of NAS target "nas") is not set on this runner`,
    );
    expect(PASSWORD).not.toBe('');
  });
});
