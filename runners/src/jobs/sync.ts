// Offsite copy of a policy's repository: `rclone sync` to the site's offsite remote, then `rclone check`
// so "copied" means "compared equal". rclone copies files, so the job needs the repository as files:
//
// - a local-path repository (NAS mounted on the runner): that directory;
// - an `rclone:` repository: its rclone path (its remote configured through the target's envFrom);
// - a `rest:` repository: restic's REST protocol is not something rclone can read, so the runner must
//   see the REST server's backing directory. It names it in LIFEBOAT_NAS_<TARGET>_DIR (the directory the
//   target's base URL serves, e.g. the NAS share mounted read-only on the runner); without it the job
//   fails with `sync.unsupported-backend` and says which variable to set;
// - sftp:, s3:, b2:, … repositories: `sync.unsupported-backend` (copy them with the provider's replication).
//
// Before syncing it checks that the source holds a restic `config` file: `rclone sync` from an empty or
// unmounted directory would delete the whole offsite copy.

import { quote, type RunRecord, type Site } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { check, checkRemotePath, detectRcloneVersion, lsjson, sync } from '../tools/rclone/index.js';
import type { ToolError } from '../tools/result.js';
import type { JobContext, JobFn } from './job.js';
import { emit, finishRun, notStartable, type Stats, startRun, toolOf } from './job-record.js';
import { subjectStats } from './prune.js';
import {
  type Failure,
  fail,
  namedEnv,
  type PolicyRepository,
  plannedRepository,
  type Resolved,
  type ResticJobOptions,
} from './repository.js';

/** The variable naming the backing directory of a `rest:` NAS target on this runner. */
export const backingDirVariable = (target: string): string =>
  `LIFEBOAT_NAS_${target.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DIR`;

export interface SyncSource {
  /** What rclone gets as the source. */
  spec: string;
  how: 'local-path' | 'rclone-remote' | 'rest-backing-dir';
}

/** Where rclone reads the policy's repository from, or why it cannot. */
export const syncSource = (repo: PolicyRepository, env: JobContext['env']): Resolved<SyncSource> => {
  if (repo.kind === 'local' && repo.localPath !== undefined) {
    return { ok: true, value: { spec: repo.localPath, how: 'local-path' } };
  }
  if (repo.kind === 'rclone') {
    const spec = repo.location.slice('rclone:'.length);
    const checked = checkRemotePath(spec);
    if (!checked.ok) return fail('sync.unsupported-backend', checked.error.message);
    return { ok: true, value: { spec, how: 'rclone-remote' } };
  }
  if (repo.kind === 'rest') {
    const variable = backingDirVariable(repo.target.name);
    const dir = env[variable];
    if (dir === undefined || dir === '') {
      return fail(
        'sync.unsupported-backend',
        `repository ${quote(repo.display, 200)} is served over restic's REST protocol, which rclone cannot read; set ${variable} to the directory that NAS target ${quote(repo.target.name)} serves, as mounted on this runner`,
      );
    }
    if (!dir.startsWith('/') || dir.split('/').includes('..')) {
      return fail('sync.unsupported-backend', `${variable} must be an absolute path without ".."`);
    }
    return {
      ok: true,
      value: {
        spec: `${dir.replace(/\/+$/, '')}/${repo.policy.spec.repository.path}`,
        how: 'rest-backing-dir',
      },
    };
  }
  return fail(
    'sync.unsupported-backend',
    `${repo.kind}: repositories are not copied by lifeboat (repository ${quote(repo.display, 200)}); use the storage provider's replication, or a local or rest: NAS target`,
  );
};

export interface SyncDestination {
  spec: string;
  remote: NonNullable<Site['spec']['offsite']>[number];
}

/** `remote:path/<policy repository path>` on the site's offsite remote named `name`. */
export const syncDestination = (
  site: Site,
  name: string,
  repositoryPath: string,
): Resolved<SyncDestination> => {
  const remote = (site.spec.offsite ?? []).find((o) => o.name === name);
  if (!remote) {
    return fail(
      'sync.remote-missing',
      `site ${quote(site.metadata.name)} has no offsite remote ${quote(name)}`,
    );
  }
  const spec = `${remote.remote}:${remote.path.replace(/\/+$/, '')}/${repositoryPath}`;
  const checked = checkRemotePath(spec);
  if (!checked.ok) return fail('sync.remote-missing', checked.error.message);
  return { ok: true, value: { spec, remote } };
};

/** rclone's environment: the remote's envFrom (and an rclone: repository's), and the remote must be defined by it. */
export const syncEnvironment = (
  repo: PolicyRepository,
  destination: SyncDestination,
  source: SyncSource,
  env: JobContext['env'],
): Resolved<Record<string, string>> => {
  const owner = `offsite remote ${quote(destination.remote.name)}`;
  const own = namedEnv(destination.remote.envFrom ?? [], env, owner);
  if (!own.ok) return own;
  const repoEnv =
    source.how === 'rclone-remote'
      ? namedEnv(repo.target.credentials.envFrom ?? [], env, `NAS target ${quote(repo.target.name)}`)
      : ({ ok: true, value: {} } as const);
  if (!repoEnv.ok) return repoEnv;
  const all = { ...repoEnv.value, ...own.value };
  // rclone runs with no config file: a remote exists only through RCLONE_CONFIG_<NAME>_TYPE.
  const typeVar = `RCLONE_CONFIG_${destination.remote.remote.toUpperCase()}_TYPE`;
  if (all[typeVar] === undefined) {
    return fail(
      'sync.remote-unconfigured',
      `rclone remote ${quote(destination.remote.remote)} is not defined: list ${typeVar} (and its other RCLONE_CONFIG_${destination.remote.remote.toUpperCase()}_* settings) in envFrom of ${owner}`,
    );
  }
  return { ok: true, value: all };
};

export const makeSyncJob =
  (options: ResticJobOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'sync', first?.name ?? 'unknown');
    const policy = first?.kind === 'policy' ? { policy: first.name } : {};
    const binary = options.rcloneBinary;
    const rcloneOptions = { ...(binary !== undefined ? { binary } : {}) };
    let stats: Stats = { ...subjectStats(planned), remote: planned.sync?.remote };
    const refuse = async (f: { outcome: Failure['outcome']; error: ToolError }) =>
      finishRun(context, run, {
        ...policy,
        tool: { name: 'rclone', version: (await detectRcloneVersion(binary))?.text ?? 'unknown' },
        outcome: f.outcome,
        error: f.error,
        stats,
      });
    const refused = notStartable(planned, 'sync', context);
    if (refused) return refuse(refused);
    if (!planned.sync) return refuse(fail('sync.remote-missing', 'the planned sync names no offsite remote'));
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const source = syncSource(repo.value, context.env);
    if (!source.ok) return refuse(source);
    const destination = syncDestination(
      context.site.value,
      planned.sync.remote,
      repo.value.policy.spec.repository.path,
    );
    if (!destination.ok) return refuse(destination);
    const env = syncEnvironment(repo.value, destination.value, source.value, context.env);
    if (!env.ok) return refuse(env);
    stats = { ...stats, source: source.value.how, destination: destination.value.spec };
    const signal = context.signal ? { signal: context.signal } : {};
    const common = { ...rcloneOptions, env: env.value, ...signal };

    const listed = await lsjson(source.value.spec, common);
    if (listed.outcome !== 'ok') {
      const missing = listed.error.code === 'rclone.directory-not-found';
      return finishRun(context, run, {
        ...policy,
        tool: toolOf(listed),
        outcome: listed.outcome,
        error: missing
          ? {
              code: 'sync.source-not-repository',
              message: `repository directory ${quote(source.value.spec, 200)} does not exist here; nothing was synced (an empty source would wipe the offsite copy)`,
            }
          : listed.error,
        stats,
      });
    }
    if (!listed.value.some((e) => e.name === 'config' && !e.isDir)) {
      return finishRun(context, run, {
        ...policy,
        tool: toolOf(listed),
        outcome: 'failed',
        error: {
          code: 'sync.source-not-repository',
          message: `${quote(source.value.spec, 200)} holds no restic config file; nothing was synced (an empty or unmounted source would wipe the offsite copy)`,
        },
        stats,
      });
    }

    const bwlimit = destination.value.remote.bwlimit;
    const synced = await sync(source.value.spec, destination.value.spec, {
      ...common,
      ...(bwlimit !== undefined ? { bwlimit } : {}),
      onProgress: (p) =>
        emit(context, run, {
          type: 'progress',
          percent: p.totalBytes > 0 ? Math.round((p.bytes / p.totalBytes) * 1000) / 10 : 0,
          bytesDone: p.bytes,
          bytesTotal: p.totalBytes,
        }),
    });
    stats = {
      ...stats,
      bwlimit,
      bytes: synced.report.bytes,
      transfers: synced.report.transfers,
      deletes: synced.report.deletes,
      sync_errors: synced.report.errors,
    };
    if (synced.outcome !== 'ok') {
      return finishRun(context, run, {
        ...policy,
        tool: toolOf(synced),
        outcome: synced.outcome,
        error: synced.error,
        stats,
      });
    }
    const compared = await check(source.value.spec, destination.value.spec, common);
    stats = {
      ...stats,
      check_matching: compared.report.matching,
      check_differences: compared.report.differences,
      check_missing: compared.report.missing,
    };
    return finishRun(context, run, {
      ...policy,
      tool: toolOf(compared),
      outcome: compared.outcome,
      ...(compared.outcome !== 'ok' ? { error: compared.error } : {}),
      stats,
    });
  };

export const syncJob: JobFn = makeSyncJob();
