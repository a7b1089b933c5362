// Where a policy's snapshots live and how restic may open them: the site's NAS target plus the policy's
// path, the password from the runner's environment (named in YAML, never written there), created once.

import { hostname } from 'node:os';
import { posix } from 'node:path';
import { type BackupPolicy, type NasTarget, quote, type Site } from '@lifeboat/core';
import { openLedgerIndex } from '../ledger/ledger-index.js';
import type { JobSubject, PlannedJob } from '../scheduler/due.js';
import {
  catConfig,
  detectRestic,
  init,
  type LockRetry,
  type ResticEnv,
  type ResticRunOptions,
  type ResticTarget,
  redactRepository,
} from '../tools/restic/index.js';
import type { ToolError, ToolResult } from '../tools/result.js';
import type { JobContext } from './job.js';

/** Knobs a runner (or a test) sets once for all restic jobs; defaults fit a site runner. */
export interface ResticJobOptions {
  /** restic binary; default `restic` on PATH. */
  resticBinary?: string;
  /** rclone binary; default `rclone` on PATH. */
  rcloneBinary?: string;
  /** `--host` for policies without their own; default this machine's hostname. */
  hostname?: string;
  /** Lock conflicts: the adapter's backoff unless set (`false` fails at once). */
  lockRetry?: Partial<LockRetry> | false;
  /** Free bytes of the filesystem holding `path` (restore and drill preflight); default statfs(2). */
  freeBytes?: (path: string) => Promise<number>;
  /** restic's cache directory; default `<stateDir>/restic-cache`. */
  cacheDir?: string;
  /** Caps every hook's timeout (a runner-wide ceiling; tests use it to keep timeouts short). */
  hookTimeoutCapMs?: number;
  /**
   * Time limit per job's main restic command: past it restic gets SIGINT (it removes its lock), then
   * SIGKILL, and the job fails with `restic.timeout`. Unset: no limit (a dead NAS makes restic retry for
   * minutes, so runners set one below their workflow's timeout).
   */
  timeoutsMs?: Partial<Record<'backup' | 'forget' | 'prune' | 'check' | 'restore' | 'drill', number>>;
}

/** The adapter options every job passes: cancellation, lock retry, time limit. */
export const resticRunOptions = (
  options: ResticJobOptions,
  job: keyof NonNullable<ResticJobOptions['timeoutsMs']>,
  context: JobContext,
): Pick<ResticRunOptions, 'signal' | 'lockRetry' | 'timeoutMs'> => {
  const timeoutMs = options.timeoutsMs?.[job];
  return {
    ...(context.signal ? { signal: context.signal } : {}),
    ...(options.lockRetry !== undefined ? { lockRetry: options.lockRetry } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
};

export type Failure = { ok: false; outcome: 'failed' | 'auth' | 'cancelled' | 'locked'; error: ToolError };
export type Resolved<T> = { ok: true; value: T } | Failure;

export const fail = (code: string, message: string, outcome: Failure['outcome'] = 'failed'): Failure => ({
  ok: false,
  outcome,
  error: { code, message },
});

/** Every snapshot lifeboat makes carries this tag and `policy:<name>`, which scopes forget and restore. */
export const LIFEBOAT_TAG = 'lifeboat';
export const policyTag = (policy: string): string => `policy:${policy}`;

/** The policy's `--host`: its own, else the runner's. */
export const policyHost = (policy: BackupPolicy, options: ResticJobOptions): string =>
  policy.spec.host ?? options.hostname ?? hostname();

export type RepositoryKind = 'local' | 'rest' | 'sftp' | 's3' | 'b2' | 'gs' | 'azure' | 'swift' | 'rclone';

export interface RepositoryLocation {
  kind: RepositoryKind;
  /** What restic gets as RESTIC_REPOSITORY; may hold URL credentials, so never log it (see `display`). */
  location: string;
  /** The location with URL credentials removed, for messages and records. */
  display: string;
  /** The directory on this machine, for a local repository. */
  localPath?: string;
}

// Backends whose repository part follows a second colon (`b2:bucket:path`): a base without one gets it.
const COLON_PATH: readonly RepositoryKind[] = ['b2', 'gs', 'azure', 'swift'];

/**
 * A NAS target's base repository plus a policy's relative path. `rest:` URLs end in `/` (restic treats
 * them as directories), local paths are normalised, other backends join with `/` (or `:` after a bare
 * bucket). Query strings and fragments are refused: there is no safe place to put the path.
 */
export const joinRepository = (base: string, path: string): Resolved<RepositoryLocation> => {
  const relative = path.replace(/^\/+|\/+$/g, '');
  if (relative === '' || relative.split('/').some((s) => s === '..' || s === '.')) {
    return fail('repository.bad-path', `repository path ${quote(path)} is not a plain relative path`);
  }
  const base0 = base.trim();
  if (base0.startsWith('/')) {
    const localPath = posix.join(posix.normalize(base0), relative);
    return { ok: true, value: { kind: 'local', location: localPath, display: localPath, localPath } };
  }
  const scheme = /^([a-z0-9]+):/.exec(base0)?.[1];
  const kinds: readonly string[] = ['rest', 'sftp', 's3', 'b2', 'gs', 'azure', 'swift', 'rclone'];
  if (scheme === undefined || !kinds.includes(scheme)) {
    return fail(
      'repository.unsupported-url',
      `repository ${quote(redactRepository(base0))} is neither an absolute path nor a rest:, sftp:, s3:, b2:, gs:, azure:, swift: or rclone: URL`,
    );
  }
  const kind = scheme as RepositoryKind;
  if (/[?#]/.test(base0)) {
    return fail(
      'repository.unsupported-url',
      `repository ${quote(redactRepository(base0))} has a query or fragment; the policy path cannot be appended to it`,
    );
  }
  if (kind === 'rest') {
    try {
      const url = new URL(base0.slice('rest:'.length));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      return fail(
        'repository.unsupported-url',
        `repository ${quote(redactRepository(base0))} is not rest:http(s)://host[:port]/[path]`,
      );
    }
    const location = `${base0.replace(/\/+$/, '')}/${relative}/`;
    return { ok: true, value: { kind, location, display: redactRepository(location) } };
  }
  const trimmed = base0.replace(/\/+$/, '');
  const rest = trimmed.slice(kind.length + 1);
  let location: string;
  if (trimmed.endsWith(':')) location = `${trimmed}${relative}`;
  else if (COLON_PATH.includes(kind) && !rest.includes(':')) location = `${trimmed}:${relative}`;
  else location = `${trimmed}/${relative}`;
  return { ok: true, value: { kind, location, display: redactRepository(location) } };
};

/**
 * An argv as RESTIC_PASSWORD_COMMAND: restic splits that string on spaces outside quotes, and a quote
 * preceded by a backslash does not count. So every argument is wrapped in single quotes (double quotes when
 * it holds a single quote); an argument holding both kinds, or a backslash, cannot be passed and is refused.
 */
export const resticCommandString = (argv: readonly string[]): Resolved<string> => {
  if (argv.length === 0) return fail('credentials.bad-command', 'passwordCommand is empty');
  const parts: string[] = [];
  for (const arg of argv) {
    if (arg === '') return fail('credentials.bad-command', 'passwordCommand has an empty argument');
    if (arg.includes('\\')) {
      return fail(
        'credentials.bad-command',
        `passwordCommand argument ${quote(arg)} holds a backslash, which restic's command splitting mangles`,
      );
    }
    if (!arg.includes("'")) parts.push(`'${arg}'`);
    else if (!arg.includes('"')) parts.push(`"${arg}"`);
    else {
      return fail(
        'credentials.bad-command',
        `passwordCommand argument ${quote(arg)} holds both quote characters, which restic cannot split`,
      );
    }
  }
  return { ok: true, value: parts.join(' ') };
};

export type CredentialsSpec = NasTarget['credentials'];

/** The named variables' values from the runner's environment; a missing one is named, its value never shown. */
export const namedEnv = (
  names: readonly string[],
  env: JobContext['env'],
  owner: string,
): Resolved<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value === undefined || value === '') {
      return fail(
        'credentials.missing',
        `environment variable ${name} (needed by ${owner}) is not set on this runner`,
        'auth',
      );
    }
    out[name] = value;
  }
  return { ok: true, value: out };
};

/** restic's environment for a NAS target: exactly one password source, plus the envFrom names. */
export const credentialEnv = (
  credentials: CredentialsSpec,
  env: JobContext['env'],
  owner: string,
): Resolved<ResticEnv> => {
  const { passwordEnv, passwordCommand, envFrom = [] } = credentials;
  if (passwordEnv !== undefined && passwordCommand !== undefined) {
    return fail(
      'credentials.ambiguous',
      `${owner} names both passwordEnv and passwordCommand; give exactly one`,
      'auth',
    );
  }
  const extra = namedEnv(envFrom, env, owner);
  if (!extra.ok) return extra;
  if (passwordEnv !== undefined) {
    const password = namedEnv([passwordEnv], env, `the repository password of ${owner}`);
    if (!password.ok) return password;
    return { ok: true, value: { ...extra.value, RESTIC_PASSWORD: password.value[passwordEnv] } };
  }
  if (passwordCommand !== undefined) {
    const command = resticCommandString(passwordCommand);
    if (!command.ok) return command;
    return { ok: true, value: { ...extra.value, RESTIC_PASSWORD_COMMAND: command.value } };
  }
  return fail('credentials.missing', `${owner} has neither passwordEnv nor passwordCommand`, 'auth');
};

export interface PolicyRepository extends RepositoryLocation {
  policy: BackupPolicy;
  site: Site;
  target: NasTarget;
  /** What the restic adapter needs. */
  restic: ResticTarget;
}

/** The policy named by a planned job's first subject, from the context's inventory. */
export const policyOf = (context: JobContext, subject: JobSubject | undefined): Resolved<BackupPolicy> => {
  if (!subject) return fail('job.no-subject', 'the planned job names no policy');
  if (subject.kind !== 'policy') {
    return fail('job.wrong-subject', `${subject.kind} ${quote(subject.name)} is not a backup policy`);
  }
  const found = context.inventory.policies.find((p) => p.value.metadata.name === subject.name);
  if (!found) return fail('job.unknown-policy', `policy ${quote(subject.name)} is not in the inventory`);
  const site = context.site.value.metadata.name;
  if (found.value.spec.site !== site) {
    return fail(
      'job.wrong-site',
      `policy ${quote(subject.name)} belongs to site ${quote(found.value.spec.site)}, not ${quote(site)}`,
    );
  }
  return { ok: true, value: found.value };
};

/** Repository, credentials and restic target for a policy at the context's site. */
export const resolveRepository = (
  context: JobContext,
  policy: BackupPolicy,
  options: ResticJobOptions = {},
): Resolved<PolicyRepository> => {
  const site = context.site.value;
  const targetName = policy.spec.repository.target;
  const target = site.spec.nas.find((t) => t.name === targetName);
  if (!target) {
    return fail(
      'repository.target-missing',
      `site ${quote(site.metadata.name)} has no NAS target ${quote(targetName)} (policy ${quote(policy.metadata.name)})`,
    );
  }
  const where = joinRepository(target.repository, policy.spec.repository.path);
  if (!where.ok) return where;
  const env = credentialEnv(target.credentials, context.env, `NAS target ${quote(target.name)}`);
  if (!env.ok) return env;
  return {
    ok: true,
    value: {
      ...where.value,
      policy,
      site,
      target,
      restic: {
        repository: where.value.location,
        env: env.value,
        ...(options.resticBinary !== undefined ? { binary: options.resticBinary } : {}),
        cacheDir: options.cacheDir ?? posix.join(context.stateDir, 'restic-cache'),
      },
    },
  };
};

/** The policy and its repository for a planned job, or why not. */
export const plannedRepository = (
  planned: PlannedJob,
  context: JobContext,
  options: ResticJobOptions,
): Resolved<PolicyRepository> => {
  const policy = policyOf(context, planned.subjects[0]);
  if (!policy.ok) return policy;
  return resolveRepository(context, policy.value, options);
};

/** restic's version for a record when restic never ran (a preflight refused the job). */
export const resticVersion = async (options: ResticJobOptions): Promise<string> => {
  const detected = await detectRestic(options.resticBinary ?? 'restic');
  return detected.ok ? detected.info.version.version : 'unknown';
};

export interface EnsuredRepository {
  /** restic init ran in this job. */
  initialized: boolean;
  repositoryId?: string;
  /** The result to report when the repository could not be opened or created. */
  failure?: ToolFailure;
}

/** A failed adapter result as a Failure (a `partial` counts as failed where a whole answer was needed). */
export const failureOf = <T>(result: ToolResult<T>): Failure & { tool: ToolResult<T>['tool'] } => {
  const f = asFailure(result);
  return { ok: false, outcome: f.outcome, error: f.error, tool: f.tool };
};

/** An adapter result that is not a success, without its value. */
export type ToolFailure = Extract<ToolResult<never>, { outcome: 'failed' | 'locked' | 'auth' | 'cancelled' }>;

/** Any result that did not succeed, as a failure (a `partial` counts as failed where a whole answer was needed). */
export const asFailure = <T>(result: ToolResult<T>): ToolFailure => {
  if (result.outcome !== 'ok' && result.outcome !== 'partial') return result;
  return {
    outcome: 'failed',
    error:
      result.outcome === 'partial'
        ? result.error
        : { code: `${result.tool}.failed`, message: `${result.tool} succeeded where a failure was expected` },
    tool: result.tool,
    version: result.version,
    features: result.features,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
  };
};

/**
 * Opens the repository, creating it when it does not exist yet. It is created only if no policy stored
 * in it ever had a successful backup on this site's ledger: a repository that vanished after backups
 * is a loss to report, and a fresh empty one in its place would hide it.
 */
export const ensureRepository = async (
  repo: PolicyRepository,
  context: JobContext,
  run: Pick<ResticRunOptions, 'signal' | 'timeoutMs'> = {},
): Promise<EnsuredRepository> => {
  const opened = await catConfig(repo.restic, run);
  if (opened.outcome === 'ok') return { initialized: false, repositoryId: opened.value.id };
  if (opened.outcome === 'partial' || opened.error.code !== 'restic.repository-missing')
    return { initialized: false, failure: asFailure(opened) };
  const sharing = context.inventory.policies
    .map((p) => p.value)
    .filter(
      (p) =>
        p.spec.site === repo.site.metadata.name &&
        p.spec.repository.target === repo.target.name &&
        p.spec.repository.path === repo.policy.spec.repository.path,
    )
    .map((p) => p.metadata.name);
  const index = await openLedgerIndex(context.stateDir, repo.site.metadata.name, { repair: false });
  const backedUp = sharing.find((name) => index.lastSuccess({ policy: name }, 'backup') !== undefined);
  if (backedUp !== undefined) {
    return {
      initialized: false,
      failure: {
        ...asFailure(opened),
        error: {
          code: 'repository.vanished',
          message: `repository ${quote(repo.display)} is gone, but policy ${quote(backedUp)} backed up to it before; not re-creating it over a loss`,
        },
      },
    };
  }
  const created = await init(repo.restic, run);
  if (created.outcome !== 'ok') return { initialized: false, failure: asFailure(created) };
  return {
    initialized: true,
    ...(created.value.repositoryId !== undefined ? { repositoryId: created.value.repositoryId } : {}),
  };
};
