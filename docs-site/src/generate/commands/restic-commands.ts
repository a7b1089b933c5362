import type { BackupPolicy, NasTarget, Site } from '@lifeboat/core';
import { jobs, restic } from '@lifeboat/runners';
import { shellLine, shellWord } from './shell.js';

// The exact restic commands for one policy, built with the runners' own helpers (repository join,
// policy tag, password-command string), so what a page says is what a runner does.

export interface PolicyRepositoryFacts {
  target: NasTarget;
  /** The repository as the runner opens it, URL credentials removed. */
  repository: string;
  /** Environment lines (names only, never values): the password source, then the target's other variables. */
  env: string[];
  /** The password line(s) alone, for reading a copy elsewhere with the same password. */
  passwordEnv: string[];
  /** Why the runner could not open it, when the YAML does not resolve. */
  problem?: string;
}

/** The password as an `export` line: the variable's name or the command, never a value. */
export const passwordLines = (credentials: NasTarget['credentials']): string[] => {
  const lines: string[] = [];
  if (credentials.passwordEnv !== undefined)
    lines.push(
      `export RESTIC_PASSWORD="$${credentials.passwordEnv}"   # value from the runner's secret store`,
    );
  else if (credentials.passwordCommand !== undefined) {
    const command = jobs.resticCommandString(credentials.passwordCommand);
    lines.push(
      command.ok
        ? `export RESTIC_PASSWORD_COMMAND=${shellWord(command.value)}`
        : `# passwordCommand cannot be passed to restic: ${command.error.message}`,
    );
  }
  return lines;
};

/** Credentials as lines: the password source, then the further variables the target needs, by name. */
export const credentialLines = (credentials: NasTarget['credentials']): string[] => {
  const names = credentials.envFrom ?? [];
  return [
    ...passwordLines(credentials),
    ...(names.length > 0 ? [`# also set (from the secret store): ${names.join(' ')}`] : []),
  ];
};

export const policyRepository = (
  policy: BackupPolicy,
  site: Site | undefined,
): PolicyRepositoryFacts | undefined => {
  const target = site?.spec.nas.find((t) => t.name === policy.spec.repository.target);
  if (target === undefined) return undefined;
  const joined = jobs.joinRepository(target.repository, policy.spec.repository.path);
  return {
    target,
    repository: joined.ok ? joined.value.display : restic.redactRepository(target.repository),
    env: credentialLines(target.credentials),
    passwordEnv: passwordLines(target.credentials),
    ...(joined.ok ? {} : { problem: joined.error.message }),
  };
};

/** `--tag policy:<name>` plus `--host` when the policy pins one: how runners find a policy's snapshots. */
export const snapshotFilter = (policy: BackupPolicy): string[] => [
  '--tag',
  jobs.policyTag(policy.metadata.name),
  ...(policy.spec.host !== undefined ? ['--host', policy.spec.host] : []),
];

/** The manual restore, by hand with restic, into a scratch directory: list, restore with --verify, compare. */
export const manualRestoreScript = (policy: BackupPolicy, facts: PolicyRepositoryFacts): string => {
  const filter = snapshotFilter(policy);
  const target = `${policy.spec.restore?.alternateTarget ?? `/srv/lifeboat-restore/${policy.metadata.name}`}/manual`;
  const first = policy.spec.sources.paths[0] ?? '/';
  return [
    `export RESTIC_REPOSITORY=${shellWord(facts.repository)}`,
    ...facts.env,
    '',
    "# 1. the policy's snapshots (newest last)",
    shellLine(['restic', 'snapshots', ...filter]),
    '',
    '# 2. restore one folder of the newest snapshot (or a snapshot id instead of latest), verifying every file',
    shellLine(['restic', 'restore', 'latest', ...filter, '--target', target, '--include', first, '--verify']),
    '',
    '# 3. compare before copying anything back',
    shellLine(['ls', '-la', `${target}${first}`]),
  ].join('\n');
};

/** The same restore through lifeboat on the site's runner: recorded, approved, space-checked. */
export const lifeboatRestoreScript = (policy: BackupPolicy): string => {
  // `lifeboat run` of one job for this policy on its site.
  const run = (job: 'restore' | 'drill') => [
    'npx',
    'lifeboat',
    'run',
    '--site',
    policy.spec.site,
    '--job',
    job,
    '--policy',
    policy.metadata.name,
  ];
  const base = run('restore');
  const first = policy.spec.sources.paths[0] ?? '/';
  // Without a restore section the runner refuses every restore (restore.no-alternate-target): say so.
  const lines =
    policy.spec.restore === undefined
      ? ['# no restore section in the YAML: lifeboat refuses restores of this policy until one is added']
      : [
          '# into the alternate target (a new folder named after the run id)',
          shellLine([...base, '--snapshot', 'latest', '--paths', first]),
        ];
  if (policy.spec.restore?.allowInPlace === true)
    lines.push(
      '',
      '# over the originals (this policy allows it)',
      shellLine([...base, '--snapshot', 'latest', '--target', 'in-place']),
    );
  lines.push('', '# prove a restore works without touching anything', shellLine(run('drill')));
  return lines.join('\n');
};

/** Reading the offsite copy when the NAS is gone: restic's rclone backend on the remote's path. */
export const offsiteRestoreScript = (
  policy: BackupPolicy,
  site: Site | undefined,
  facts: PolicyRepositoryFacts,
): string | undefined => {
  const remote = site?.spec.offsite?.find((o) => o.name === policy.spec.offsite?.remote);
  if (remote === undefined) return undefined;
  const location = `rclone:${remote.remote}:${remote.path.replace(/\/+$/, '')}/${policy.spec.repository.path}`;
  const filter = snapshotFilter(policy);
  return [
    `export RESTIC_REPOSITORY=${shellWord(location)}`,
    ...facts.passwordEnv,
    ...(remote.envFrom && remote.envFrom.length > 0
      ? [`# rclone's remote comes from: ${remote.envFrom.join(' ')}`]
      : [
          `# rclone's remote comes from RCLONE_CONFIG_${remote.remote.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_* variables`,
        ]),
    shellLine(['restic', 'snapshots', ...filter]),
    shellLine([
      'restic',
      'restore',
      'latest',
      ...filter,
      '--target',
      `${policy.spec.restore?.alternateTarget ?? `/srv/lifeboat-restore/${policy.metadata.name}`}/from-offsite`,
      '--verify',
    ]),
  ].join('\n');
};
