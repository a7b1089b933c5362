// Retention for one policy: restic forget limited to the policy's own snapshots (tag policy:<name>, and
// its host when it has one), so a repository shared with other policies never loses their snapshots.

import { type BackupPolicy, parseDuration, quote, type RunRecord } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { type ForgetArgs, forget, hasKeepRule, type KeepRules } from '../tools/restic/index.js';
import type { JobContext, JobFn } from './job.js';
import { finishRun, notStartable, startRun, toolOf } from './job-record.js';
import {
  type Failure,
  fail,
  plannedRepository,
  policyTag,
  type ResticJobOptions,
  resticRunOptions,
  resticVersion,
} from './repository.js';

/**
 * `keepWithin` in restic's units: lifeboat durations have weeks and minutes, restic's have neither
 * (its `m` is months). Weeks become days; minutes round UP to whole hours, so retention never shrinks.
 */
export const resticWithin = (duration: string): string | undefined => {
  const seconds = parseDuration(duration);
  if (seconds === undefined || seconds <= 0) return undefined;
  const hours = Math.ceil(seconds / 3600);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${days > 0 ? `${days}d` : ''}${rest > 0 ? `${rest}h` : ''}`;
};

/** The policy's retention as restic keep rules, or why there is none (forget never runs without one). */
export const keepRules = (policy: BackupPolicy): { ok: true; keep: KeepRules } | Failure => {
  const r = policy.spec.retention;
  const keep: KeepRules = {
    ...(r.keepLast !== undefined ? { last: r.keepLast } : {}),
    ...(r.keepHourly !== undefined ? { hourly: r.keepHourly } : {}),
    ...(r.keepDaily !== undefined ? { daily: r.keepDaily } : {}),
    ...(r.keepWeekly !== undefined ? { weekly: r.keepWeekly } : {}),
    ...(r.keepMonthly !== undefined ? { monthly: r.keepMonthly } : {}),
    ...(r.keepYearly !== undefined ? { yearly: r.keepYearly } : {}),
  };
  if (r.keepWithin !== undefined) {
    const within = resticWithin(r.keepWithin);
    if (within === undefined) {
      return fail('restic.bad-option', `keepWithin ${quote(r.keepWithin)} is not a positive duration`);
    }
    keep.within = within;
  }
  if (!hasKeepRule(keep)) {
    return fail(
      'restic.forget-no-rule',
      `policy ${quote(policy.metadata.name)} has no keep rule; forget would remove every snapshot, so it did not run`,
    );
  }
  return { ok: true, keep };
};

/**
 * The forget command for a policy, shared with the retention preview so both select the same snapshots:
 * only this policy's (tag, plus host when the policy sets one), grouped by host so that changing the
 * source paths does not leave old snapshots in a group of their own that retention never thins.
 */
export const forgetArgsFor = (
  policy: BackupPolicy,
  dryRun = false,
): { ok: true; args: ForgetArgs } | Failure => {
  const rules = keepRules(policy);
  if (!rules.ok) return rules;
  return {
    ok: true,
    args: {
      keep: rules.keep,
      tags: [policyTag(policy.metadata.name)],
      ...(policy.spec.host !== undefined ? { host: policy.spec.host } : {}),
      groupBy: ['host'],
      scoped: true,
      ...(dryRun ? { dryRun: true } : {}),
    },
  };
};

export const makeForgetJob =
  (options: ResticJobOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'forget', first?.name ?? 'unknown');
    const policyName = first?.kind === 'policy' ? first.name : undefined;
    const refuse = async (f: Failure) =>
      finishRun(context, run, {
        ...(policyName !== undefined ? { policy: policyName } : {}),
        tool: { name: 'restic', version: await resticVersion(options) },
        outcome: f.outcome,
        error: f.error,
      });
    const refused = notStartable(planned, 'forget', context);
    if (refused) return refuse({ ok: false, ...refused });
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const { policy } = repo.value;
    const built = forgetArgsFor(policy);
    if (!built.ok) return refuse(built);
    const result = await forget(repo.value.restic, built.args, {
      ...resticRunOptions(options, 'forget', context),
    });
    const stats = {
      repository: repo.value.display,
      tag: policyTag(policy.metadata.name),
      host: policy.spec.host,
    };
    if (result.outcome !== 'ok') {
      return finishRun(context, run, {
        policy: policy.metadata.name,
        tool: toolOf(result),
        outcome: result.outcome,
        error: result.error,
        stats,
      });
    }
    const groups = result.value;
    // A group outside the scope would mean restic ignored the filter: never report that as fine.
    const tag = policyTag(policy.metadata.name);
    const stray = groups
      .flatMap((g) => [...g.keep, ...g.remove])
      .find(
        (s) => !s.tags.includes(tag) || (policy.spec.host !== undefined && s.hostname !== policy.spec.host),
      );
    return finishRun(context, run, {
      policy: policy.metadata.name,
      tool: toolOf(result),
      outcome: stray ? 'failed' : 'ok',
      ...(stray
        ? {
            error: {
              code: 'forget.scope-violated',
              message: `forget selected snapshot ${stray.shortId} of host ${quote(stray.hostname)} outside policy ${quote(policy.metadata.name)}`,
            },
          }
        : {}),
      stats: {
        ...stats,
        groups: groups.length,
        removed_snapshots: groups.reduce((n, g) => n + g.remove.length, 0),
        kept_snapshots: groups.reduce((n, g) => n + g.keep.length, 0),
      },
    });
  };

export const forgetJob: JobFn = makeForgetJob();
