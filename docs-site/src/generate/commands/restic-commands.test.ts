import type { BackupPolicy, Site } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import {
  lifeboatRestoreScript,
  manualRestoreScript,
  offsiteRestoreScript,
  policyRepository,
} from './restic-commands.js';
import { shellWord } from './shell.js';

const site = (
  credentials: Site['spec']['nas'][number]['credentials'],
  repository = 'rest:https://backup:s3cret@nas:8000/',
): Site => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: { name: 'hq' },
  spec: {
    timezone: 'UTC',
    environment: 'office',
    runner: { labels: ['x'] },
    nas: [{ name: 'nas', repository, credentials }],
    offsite: [{ name: 'cloud', remote: 'b2', path: 'bucket/hq/' }],
    access: { approvers: [], requesters: [] },
  },
});

const policy = (extra: Partial<BackupPolicy['spec']> = {}): BackupPolicy => ({
  apiVersion: 'lifeboat/v1',
  kind: 'BackupPolicy',
  metadata: { name: 'files' },
  spec: {
    site: 'hq',
    dataClass: 'office-share',
    sources: { paths: ["/srv/it's here"] },
    repository: { target: 'nas', path: 'shares' },
    schedule: { cron: '0 3 * * *' },
    retention: { keepDaily: 7 },
    ...extra,
  },
});

describe('restic commands', () => {
  it('joins the repository like the runner and drops URL credentials', () => {
    const facts = policyRepository(policy(), site({ passwordEnv: 'PW' }));
    expect(facts?.repository).toBe('rest:https://nas:8000/shares/');
    expect(manualRestoreScript(policy(), facts as NonNullable<typeof facts>)).not.toContain('s3cret');
  });

  it('quotes paths for the shell', () => {
    expect(shellWord("/srv/it's here")).toBe(`'/srv/it'\\''s here'`);
    const facts = policyRepository(policy({ host: 'fs01' }), site({ passwordEnv: 'PW' }));
    const script = manualRestoreScript(policy({ host: 'fs01' }), facts as NonNullable<typeof facts>);
    expect(script).toContain(
      `restic restore latest --tag policy:files --host fs01 --target /srv/lifeboat-restore/files/manual --include '/srv/it'\\''s here' --verify`,
    );
  });

  it('names a password command as restic splits it, or says why it cannot', () => {
    const ok = policyRepository(policy(), site({ passwordCommand: ['/bin/pw', "it's"] }));
    expect(ok?.env[0]).toBe(`export RESTIC_PASSWORD_COMMAND=''\\''/bin/pw'\\'' "it'\\''s"'`);
    const bad = policyRepository(policy(), site({ passwordCommand: ['/bin/pw', 'a\\b'] }));
    expect(bad?.env[0]).toMatch(/^# passwordCommand cannot be passed to restic: .*backslash/);
  });

  it('reads the offsite copy through rclone at the path sync writes', () => {
    const p = policy({ offsite: { remote: 'cloud', schedule: { cron: '0 4 * * *' } } });
    const s = site({ passwordEnv: 'PW', envFrom: ['RESTIC_REST_USERNAME'] });
    const facts = policyRepository(p, s);
    const script = offsiteRestoreScript(p, s, facts as NonNullable<typeof facts>) ?? '';
    expect(script).toContain('export RESTIC_REPOSITORY=rclone:b2:bucket/hq/shares');
    expect(script).toContain('export RESTIC_PASSWORD="$PW"');
    expect(script).not.toContain('RESTIC_REST_USERNAME');
    expect(script).toContain('RCLONE_CONFIG_B2_*');
  });

  it('offers no lifeboat restore for a policy without a restore section', () => {
    expect(lifeboatRestoreScript(policy())).not.toContain('--job restore');
    const withRestore = lifeboatRestoreScript(
      policy({ restore: { approval: 'none', alternateTarget: '/srv/r' } }),
    );
    expect(withRestore).toContain(
      `--job restore --policy files --snapshot latest --paths '/srv/it'\\''s here'`,
    );
    expect(withRestore).not.toContain('in-place');
  });

  it('says so when the NAS target is missing', () => {
    expect(policyRepository(policy({ repository: { target: 'gone', path: 'x' } }), site({}))).toBeUndefined();
  });
});
