// `lifeboat plan --snapshots` on a site's runner: for each policy of the site whose retention (or scope)
// changed, `restic forget --dry-run` with the old rules and with the new ones against the real repository,
// and the difference, snapshot by snapshot. Never deletes: every call is a dry run without a lock.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BackupPolicy,
  type Entry,
  type Inventory,
  type NasTarget,
  quote,
  type Site,
} from '@lifeboat/core';
import { forgetArgsFor } from '../jobs/forget.js';
import type { JobContext } from '../jobs/job.js';
import { joinRepository, policyTag, resolveRepository } from '../jobs/repository.js';
import {
  detectRestic,
  type ForgetArgs,
  type ForgetGroup,
  forget,
  type ResticTarget,
} from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';
import { diffForget } from './diff.js';
import type { PolicyPreview, RetentionPreview } from './types.js';

export interface PreviewOptions {
  /** The inventory at the plan's base ref (old rules). */
  base: Inventory;
  /** The working tree's inventory (new rules); the site and repositories are resolved here. */
  head: Inventory;
  /** The site this runner serves: only its policies are previewed. */
  site: string;
  /** Credentials (passwordEnv / envFrom names) come from here: the runner's environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** restic's cache goes under `<stateDir>/restic-cache`, as for the runner's jobs. */
  stateDir: string;
  resticBinary?: string;
  /** Per restic call; default 2 minutes (a dead NAS makes restic retry for much longer). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Stable JSON (sorted keys), so that equal rules compare equal whatever the YAML's key order. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

/** What decides which snapshots forget removes: the forget command itself, or the raw rules when it cannot be built. */
const forgetKey = (policy: BackupPolicy): string => {
  const built = forgetArgsFor(policy);
  if (built.ok) return stable(built.args);
  return stable({ retention: policy.spec.retention, host: policy.spec.host ?? null });
};

/** Where a policy's snapshots live in an inventory: the resolved URL, or site/target/path when it does not resolve. */
const locationKey = (inventory: Inventory, policy: BackupPolicy): string => {
  const { site, repository } = policy.spec;
  const target = inventory.sites
    .find((s) => s.value.metadata.name === site)
    ?.value.spec.nas.find((t) => t.name === repository.target);
  const joined = target ? joinRepository(target.repository, repository.path) : undefined;
  return joined?.ok ? joined.value.location : `${site}/${repository.target}/${repository.path}`;
};

export interface ChangedPolicy {
  before: BackupPolicy;
  after: Entry<BackupPolicy>;
  /** The repository moved too: the old rules never ran where the new ones will. */
  moved: boolean;
}

/**
 * The site's policies (in the working tree) whose forget would select or keep differently than at the base.
 * Added policies are not listed (their snapshots, if any, were never thinned before); removed ones stop forgetting.
 */
export const changedPolicies = (base: Inventory, head: Inventory, site: string): ChangedPolicy[] => {
  const old = new Map(base.policies.map((p) => [p.value.metadata.name, p.value]));
  return head.policies
    .filter((p) => p.value.spec.site === site)
    .flatMap((after) => {
      const before = old.get(after.value.metadata.name);
      if (before === undefined || forgetKey(before) === forgetKey(after.value)) return [];
      const moved = locationKey(base, before) !== locationKey(head, after.value);
      return [{ before, after, moved }];
    })
    .sort((a, b) => a.after.value.metadata.name.localeCompare(b.after.value.metadata.name));
};

/** A command's executable: an absolute path, or a name on PATH. */
const executable = async (command: string, env: PreviewOptions['env']): Promise<boolean> => {
  const candidates = command.includes('/')
    ? [command]
    : (env.PATH ?? '').split(':').flatMap((dir) => (dir === '' ? [] : [join(dir, command)]));
  for (const file of candidates) {
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
};

/** The target's credentials are here: every envFrom name set, and its password variable set or command present. */
const credentialsPresent = async (target: NasTarget, env: PreviewOptions['env']): Promise<boolean> => {
  const { passwordEnv, passwordCommand, envFrom = [] } = target.credentials;
  if (envFrom.some((name) => (env[name] ?? '') === '')) return false;
  if (passwordEnv !== undefined) return (env[passwordEnv] ?? '') !== '';
  const [command] = passwordCommand ?? [];
  return command !== undefined && (await executable(command, env));
};

/**
 * Why this machine cannot preview for the site, in one line, or undefined: restic must be installed and the
 * credentials of at least one of the site's repositories must be here (a pull-request machine has neither).
 */
export const runnerProblem = async (
  site: Site,
  env: PreviewOptions['env'],
  resticBinary = 'restic',
): Promise<string | undefined> => {
  const name = quote(site.metadata.name);
  const detected = await detectRestic(resticBinary);
  if (!detected.ok)
    return `restic is not usable here (${detected.error.code}); --snapshots runs on site ${name}'s runner`;
  if (site.spec.nas.length === 0) return undefined;
  for (const target of site.spec.nas) if (await credentialsPresent(target, env)) return undefined;
  const names = site.spec.nas.flatMap((t) => t.credentials.passwordEnv ?? []);
  const hint = names.length > 0 ? ` (such as ${names.join(', ')})` : '';
  return `no repository credentials of site ${name} are set here${hint}; --snapshots runs on the site's runner`;
};

type Queried =
  | { ok: true; groups: ForgetGroup[]; version: string }
  | { ok: false; error: PolicyPreview['error'] };

/** One dry run, read-only: no lock (restic 0.14 would take an exclusive one and block the site's backups). */
const dryRun = async (target: ResticTarget, args: ForgetArgs, o: PreviewOptions): Promise<Queried> => {
  const result = await forget(
    target,
    { ...args, dryRun: true, noLock: true },
    {
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      lockRetry: false,
      ...(o.signal ? { signal: o.signal } : {}),
    },
  );
  if (result.outcome === 'ok') return { ok: true, groups: result.value, version: result.version };
  return { ok: false, error: { ...result.error, outcome: result.outcome } };
};

/** A snapshot outside the policy's scope in restic's answer: its filter did not hold, so nothing can be trusted. */
const strayError = (groups: readonly ForgetGroup[], policy: BackupPolicy): ToolError | undefined => {
  const tag = policyTag(policy.metadata.name);
  const host = policy.spec.host;
  const stray = groups
    .flatMap((g) => [...g.keep, ...g.remove])
    .find((s) => !s.tags.includes(tag) || (host !== undefined && s.hostname !== host));
  if (!stray) return undefined;
  return {
    code: 'retention-preview.scope-violated',
    message: `forget --dry-run selected snapshot ${stray.shortId} of host ${quote(stray.hostname)}, which is outside policy ${quote(policy.metadata.name)}`,
  };
};

const empty = (
  c: ChangedPolicy,
): Pick<
  PolicyPreview,
  'removed' | 'newlyKept' | 'removedAnyway' | 'keptByBoth' | 'total' | 'policy' | 'file'
> => ({
  policy: c.after.value.metadata.name,
  file: c.after.document.file,
  removed: [],
  newlyKept: [],
  removedAnyway: [],
  keptByBoth: 0,
  total: 0,
});

const previewPolicy = async (
  c: ChangedPolicy,
  context: JobContext,
  o: PreviewOptions,
  versions: Set<string>,
): Promise<PolicyPreview> => {
  const policy = c.after.value;
  const scope = {
    tag: policyTag(policy.metadata.name),
    ...(policy.spec.host !== undefined ? { host: policy.spec.host } : {}),
  };
  const oldArgs = forgetArgsFor(c.before);
  const newArgs = forgetArgsFor(policy);
  const rules = {
    ...(oldArgs.ok ? { rulesBefore: oldArgs.args.keep } : {}),
    ...(newArgs.ok ? { rulesAfter: newArgs.args.keep } : {}),
  };
  const base = { ...empty(c), scope, ...rules };
  // Never call forget without keep rules: it would list every snapshot as removed (and a real one delete them).
  if (!newArgs.ok) return { ...base, status: 'refused', error: newArgs.error };
  const repo = resolveRepository(context, policy, {
    ...(o.resticBinary !== undefined ? { resticBinary: o.resticBinary } : {}),
  });
  if (!repo.ok) return { ...base, status: 'failed', error: { ...repo.error, outcome: repo.outcome } };
  const withRepo = { ...base, repository: repo.value.display };
  if (c.moved) {
    return {
      ...withRepo,
      status: 'skipped',
      error: {
        code: 'retention-preview.repository-moved',
        message: `policy ${quote(policy.metadata.name)} also moves to ${quote(repo.value.display)}; the old rules never ran there`,
      },
    };
  }
  const before = oldArgs.ok ? await dryRun(repo.value.restic, oldArgs.args, o) : undefined;
  if (before && !before.ok) return { ...withRepo, status: 'failed', error: before.error };
  const after = await dryRun(repo.value.restic, newArgs.args, o);
  if (!after.ok) return { ...withRepo, status: 'failed', error: after.error };
  versions.add(after.version);
  // Each answer against its own rules' scope: a host change makes the two scopes differ.
  const stray = (before && strayError(before.groups, c.before)) ?? strayError(after.groups, policy);
  if (stray) return { ...withRepo, status: 'failed', error: stray };
  const diff = diffForget(before?.groups, after.groups);
  const notes = [
    ...(before === undefined
      ? ['the old rules had no valid keep rule, so forget never ran and every snapshot was kept']
      : []),
    ...(diff.oneSided > 0
      ? [
          c.before.spec.host === policy.spec.host
            ? `${diff.oneSided} snapshot(s) appeared or vanished between the two queries; run the plan again`
            : `the host scope changed: ${diff.oneSided} snapshot(s) are selected by only one of the two rule sets, and forget never touches a snapshot outside its scope`,
        ]
      : []),
  ];
  return {
    ...withRepo,
    status: 'previewed',
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    removed: diff.removed,
    newlyKept: diff.newlyKept,
    removedAnyway: diff.removedAnyway,
    keptByBoth: diff.keptByBoth,
    total: diff.total,
  };
};

const RANK: Record<PolicyPreview['status'], number> = { previewed: 2, failed: 1, refused: 1, skipped: 3 };
const rank = (p: PolicyPreview): number =>
  p.status === 'previewed' && p.removed.length > 0 ? 0 : RANK[p.status];

/** Destructive first, then what could not be previewed, then harmless changes and skips. */
export const sortPreviews = (policies: readonly PolicyPreview[]): PolicyPreview[] =>
  [...policies].sort((a, b) => rank(a) - rank(b) || a.policy.localeCompare(b.policy));

/** The preview for every changed policy of the site. Policies are queried one after another (one NAS, no rush). */
export const previewRetention = async (o: PreviewOptions): Promise<RetentionPreview> => {
  const site = o.head.sites.find((s) => s.value.metadata.name === o.site);
  if (!site) return { site: o.site, policies: [] };
  const context: JobContext = {
    inventory: o.head,
    site,
    stateDir: o.stateDir,
    sandboxDir: o.stateDir,
    env: o.env,
    now: () => new Date(),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const versions = new Set<string>();
  const policies: PolicyPreview[] = [];
  for (const changed of changedPolicies(o.base, o.head, o.site)) {
    policies.push(await previewPolicy(changed, context, o, versions));
  }
  const [resticVersion] = [...versions];
  return {
    site: o.site,
    ...(resticVersion !== undefined ? { resticVersion } : {}),
    policies: sortPreviews(policies),
  };
};
