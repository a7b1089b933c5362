import {
  type BackupPolicy,
  checkCron,
  formatDuration,
  type Image,
  type Inventory,
  isValidTimezone,
  quote,
  type Site,
} from '@lifeboat/core';
import { formatLocal } from './local-time.js';
import { latestOccurrence, lookBackMs, occurrencesBetween } from './occurrences.js';
import { type WindowVerdict, windowAt } from './windows.js';

// `lifeboat run --due` asks this what to run at a site now: a pure answer from the inventory, the clock
// and the last successes, so every rule of the scheduler is testable with a fixed `now`.
//
// Rules (each has a test in due.test.ts):
// - A scheduled job is due when one of its run times lies in (last success, now]. Several missed run
//   times give ONE run: the job serves the latest of them.
// - A job that never succeeded looks back one full period of its cron (the longest gap between two run
//   times), so its previous run time counts as missed and it runs at the first tick: a new policy gets
//   its first backup now, not a week later. A lost state directory re-runs everything once.
// - Time zone: the schedule's own, else the site's. DST follows cron-parser's next(): a run time that
//   does not exist (02:30 on the spring-forward day in America/Chicago) runs an hour later, at 03:30
//   CDT; a fixed-hour run time in the repeated hour (01:30 on the fall-back day) runs once, at its
//   first pass (CDT); hourly (`0 * * * *`) crons run in both passes, as real hours elapse.
// - forget follows backups: it is due with every due backup of its policy (and runs only if that
//   backup succeeds), or on its own when the last successful backup is newer than the last successful
//   forget. Not with prune: prune is optional, and retention must hold without it.
// - A job whose last attempt for the current run time did not succeed waits `retryAfterMs` before the
//   next attempt (a new run time makes it due at once).
// - Heavy jobs (prune, check — every configured check reads a data subset —, full drills, image drills)
//   start only inside a maintenance window of the site; outside, they wait for the next one.
// - Repository-wide jobs that are the same command (prune with the same maxUnused, check of the same
//   subset, sync to the same remote) on a repository shared by several policies run once, for all.
// - Order: backups, forget, prune, check (verifies what prune rewrote), sync (copies a checked
//   repository), drills last; ties by subject.

export type ScheduledJob = 'backup' | 'forget' | 'prune' | 'check' | 'sync' | 'drill';

/** What a job is for: run records carry the same pair (`policy` or `image`). */
export interface JobSubject {
  kind: 'policy' | 'image';
  name: string;
}

/** A restic repository (or image store) at a site: the unit of locking. */
export interface RepositoryRef {
  site: string;
  target: string;
  path: string;
}

/** `site/target/path`, the lock key of a repository. */
export const repositoryKey = (ref: RepositoryRef): string => `${ref.site}/${ref.target}/${ref.path}`;

export type JobStatus = 'due' | 'waiting-for-window' | 'retry-later';

export interface PlannedJob {
  /** Identity within a decision: two jobs with the same key would be the same command. */
  key: string;
  job: ScheduledJob;
  /** The policies (or image) it serves; several when a repository-wide job is shared. */
  subjects: JobSubject[];
  repository: RepositoryRef;
  heavy: boolean;
  status: JobStatus;
  /** When a waiting job may start: the next window's opening, or the end of the retry delay. */
  until?: Date;
  /** The schedule served; forget has none, it follows backups. */
  schedule?: { cron: string; timezone: string };
  /** The latest run time served (for forget: the backup it follows, when known). */
  occurrence?: Date;
  /** Run times since the last success (capped at MISSED_CAP); 0 when it never succeeded. */
  missed: number;
  /** forget only: run it only after this decision's backup of the same policy succeeded. */
  afterBackup?: boolean;
  check?: { subset: number; subsets: number; cycle: number };
  sync?: { remote: string };
  prune?: { maxUnused?: string };
  drill?: { kind: 'sample' | 'full' | 'image'; sandbox?: string };
  /** The maintenance window a due heavy job runs in. */
  window?: { name: string; end: Date };
  /** One line for people: why it is due, or what it waits for. */
  reason: string;
}

export interface SkippedJob {
  job: ScheduledJob;
  subject: JobSubject;
  /** Why it cannot be decided (an invalid cron or time zone, which validate reports too). */
  reason: string;
}

export interface Decision {
  site: string;
  now: Date;
  /** In the order to run them. */
  due: PlannedJob[];
  waiting: PlannedJob[];
  skipped: SkippedJob[];
  /** Set when nothing could be decided (the site is not in the inventory). */
  error?: string;
}

export interface DueInput {
  inventory: Inventory;
  site: string;
  now: Date;
  /** When the job last succeeded for the subject (from the run records). */
  lastSuccess: (subject: JobSubject, job: ScheduledJob) => Date | undefined;
  /** When the job was last started for the subject, whatever its outcome. */
  lastAttempt?: (subject: JobSubject, job: ScheduledJob) => Date | undefined;
  /** Successful checks so far: picks the next `--read-data-subset n/t`. Default 0. */
  successfulChecks?: (subject: JobSubject) => number;
  /** Wait after an attempt that did not succeed before trying the same run time again. */
  retryAfterMs?: number;
}

export const DEFAULT_RETRY_AFTER_MS = 30 * 60_000;
/** Missed run times counted for the reason; beyond it the reason says "N+". */
export const MISSED_CAP = 1000;

const JOB_ORDER: Record<ScheduledJob, number> = {
  backup: 0,
  forget: 1,
  prune: 2,
  check: 3,
  sync: 4,
  drill: 5,
};

/** `--read-data-subset n/t` for the next check after `done` successful ones: 1/t … t/t, then 1/t again. */
export const checkSubset = (
  done: number,
  subsets: number,
): { subset: number; subsets: number; cycle: number } => {
  const t = Math.max(1, Math.floor(subsets));
  const n = Math.max(0, Math.floor(done));
  return { subset: (n % t) + 1, subsets: t, cycle: Math.floor(n / t) + 1 };
};

const ago = (now: Date, then: Date): string => {
  const seconds = (now.getTime() - then.getTime()) / 1000;
  return seconds < 0
    ? `${formatDuration(-seconds)} in the future (clock skew?)`
    : `${formatDuration(seconds)} ago`;
};

const subjectLabel = (s: JobSubject) => `${s.kind} ${quote(s.name)}`;

interface Context extends DueInput {
  siteSpec: Site['spec'];
  retryAfter: number;
  windows: WindowVerdict | undefined;
}

/** The job's schedule, what the job is, and how it is shown. */
interface ScheduledSpec {
  job: ScheduledJob;
  subject: JobSubject;
  schedule: { cron: string; timezone?: string | undefined };
  repository: RepositoryRef;
  key: string;
  heavy: boolean;
  extra: Pick<PlannedJob, 'check' | 'sync' | 'prune' | 'drill'>;
  /** Appended to the reason (the check subset). */
  note?: string;
}

type Outcome = { planned: PlannedJob } | { skipped: SkippedJob } | undefined;

/** Apply the retry delay to a job that is owed since `owedSince`. */
const retryUntil = (
  ctx: Context,
  subject: JobSubject,
  job: ScheduledJob,
  owedSince: Date,
  success: Date | undefined,
): Date | undefined => {
  const attempt = ctx.lastAttempt?.(subject, job);
  if (!attempt || attempt.getTime() < owedSince.getTime()) return undefined;
  if (success && success.getTime() >= attempt.getTime()) return undefined;
  const until = new Date(attempt.getTime() + ctx.retryAfter);
  return ctx.now.getTime() < until.getTime() ? until : undefined;
};

const decideScheduled = (ctx: Context, spec: ScheduledSpec): Outcome => {
  const { job, subject, schedule } = spec;
  const timezone = schedule.timezone ?? ctx.siteSpec.timezone;
  const cronCheck = checkCron(schedule.cron);
  if (!cronCheck.ok)
    return {
      skipped: { job, subject, reason: `cron ${quote(schedule.cron)} is invalid: ${cronCheck.reason}` },
    };
  if (!isValidTimezone(timezone))
    return { skipped: { job, subject, reason: `time zone ${quote(timezone)} is not an IANA zone` } };
  const cron = schedule.cron.trim();
  const { now } = ctx;
  const success = ctx.lastSuccess(subject, job);
  let latest: Date | undefined;
  let missed = 0;
  let truncated = false;
  try {
    // Never succeeded: look back one period, so the previous run time is the one owed.
    const since = success ?? new Date(now.getTime() - lookBackMs(cron));
    const found = occurrencesBetween(cron, timezone, since, now, MISSED_CAP);
    if (found.times.length === 0) return undefined;
    latest = found.truncated ? latestOccurrence(cron, timezone, now) : found.times[found.times.length - 1];
    missed = success ? found.times.length : 0;
    truncated = found.truncated;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      skipped: { job, subject, reason: `cron ${quote(cron)} in ${quote(timezone)}: ${quote(message, 120)}` },
    };
  }
  if (!latest) return undefined;
  let reason = `scheduled ${formatLocal(latest, timezone)} (${quote(cron)}), ${
    success ? `last success ${ago(now, success)}` : 'never succeeded: first run now'
  }`;
  if (missed > 1) reason += `; ${missed}${truncated ? '+' : ''} run times missed, running once`;
  if (spec.note) reason += `; ${spec.note}`;
  const planned: PlannedJob = {
    key: spec.key,
    job,
    subjects: [subject],
    repository: spec.repository,
    heavy: spec.heavy,
    status: 'due',
    schedule: { cron, timezone },
    occurrence: latest,
    missed,
    ...spec.extra,
    reason,
  };
  return { planned: gate(ctx, planned, retryUntil(ctx, subject, job, latest, success), timezone) };
};

/** Retry delay first, then the maintenance window for heavy jobs. */
const gate = (ctx: Context, planned: PlannedJob, retry: Date | undefined, timezone: string): PlannedJob => {
  if (retry) {
    const attempt = new Date(retry.getTime() - ctx.retryAfter);
    return {
      ...planned,
      status: 'retry-later',
      until: retry,
      reason: `${planned.reason}; last attempt ${ago(ctx.now, attempt)} did not succeed: retry from ${formatLocal(retry, timezone)}`,
    };
  }
  if (!planned.heavy || !ctx.windows || ctx.windows.state === 'unrestricted') return planned;
  if (ctx.windows.state === 'open')
    return { ...planned, window: { name: ctx.windows.window, end: ctx.windows.end } };
  const { next } = ctx.windows;
  return {
    ...planned,
    status: 'waiting-for-window',
    until: next.start,
    reason: `${planned.reason}; heavy job outside the maintenance windows of site ${quote(ctx.site)}: waits for window ${quote(
      next.window,
    )} opening ${formatLocal(next.start, ctx.siteSpec.timezone)}`,
  };
};

const decideForget = (
  ctx: Context,
  policy: BackupPolicy,
  repository: RepositoryRef,
  backup: Outcome,
): Outcome => {
  const subject: JobSubject = { kind: 'policy', name: policy.metadata.name };
  const base = {
    key: `forget:policy:${policy.metadata.name}`,
    job: 'forget' as const,
    subjects: [subject],
    repository,
    heavy: false,
    status: 'due' as const,
    missed: 0,
  };
  if (backup && 'planned' in backup && backup.planned.status === 'due') {
    return {
      planned: {
        ...base,
        afterBackup: true,
        reason: "after this run's backup, if it succeeds (retention follows every successful backup)",
      },
    };
  }
  const backedUp = ctx.lastSuccess(subject, 'backup');
  const forgotten = ctx.lastSuccess(subject, 'forget');
  if (!backedUp || (forgotten && forgotten.getTime() >= backedUp.getTime())) return undefined;
  const timezone = ctx.siteSpec.timezone;
  const planned: PlannedJob = {
    ...base,
    occurrence: backedUp,
    reason: `the backup of ${formatLocal(backedUp, timezone)} is not yet followed by a successful forget${
      forgotten ? ` (last forget ${ago(ctx.now, forgotten)})` : ''
    }`,
  };
  return { planned: gate(ctx, planned, retryUntil(ctx, subject, 'forget', backedUp, forgotten), timezone) };
};

const policyJobs = (ctx: Context, policy: BackupPolicy): Outcome[] => {
  const { spec } = policy;
  const subject: JobSubject = { kind: 'policy', name: policy.metadata.name };
  const repository: RepositoryRef = {
    site: spec.site,
    target: spec.repository.target,
    path: spec.repository.path,
  };
  const repo = repositoryKey(repository);
  const own = (job: ScheduledJob) => `${job}:policy:${policy.metadata.name}`;
  const common = { subject, repository };
  const backup = decideScheduled(ctx, {
    ...common,
    job: 'backup',
    schedule: spec.schedule,
    key: own('backup'),
    heavy: false,
    extra: {},
  });
  const out: Outcome[] = [backup, decideForget(ctx, policy, repository, backup)];
  if (spec.prune) {
    const maxUnused = spec.prune.maxUnused;
    out.push(
      decideScheduled(ctx, {
        ...common,
        job: 'prune',
        schedule: spec.prune.schedule,
        key: `prune:${repo}:${maxUnused ?? ''}`,
        heavy: true,
        extra: { prune: maxUnused === undefined ? {} : { maxUnused } },
      }),
    );
  }
  if (spec.check) {
    const subset = checkSubset(ctx.successfulChecks?.(subject) ?? 0, spec.check.subsets);
    out.push(
      decideScheduled(ctx, {
        ...common,
        job: 'check',
        schedule: spec.check.schedule,
        key: `check:${repo}:${subset.subset}/${subset.subsets}`,
        // Every configured check reads a data subset: hours of NAS reads.
        heavy: true,
        extra: { check: subset },
        note: `read-data subset ${subset.subset}/${subset.subsets} (full-read cycle ${subset.cycle})`,
      }),
    );
  }
  if (spec.offsite) {
    out.push(
      decideScheduled(ctx, {
        ...common,
        job: 'sync',
        schedule: spec.offsite.schedule,
        key: `sync:${repo}>${spec.offsite.remote}`,
        heavy: false,
        extra: { sync: { remote: spec.offsite.remote } },
      }),
    );
  }
  if (spec.drill) {
    const { kind, sandbox } = spec.drill;
    out.push(
      decideScheduled(ctx, {
        ...common,
        job: 'drill',
        schedule: spec.drill.schedule,
        key: own('drill'),
        heavy: kind === 'full',
        extra: { drill: sandbox === undefined ? { kind } : { kind, sandbox } },
      }),
    );
  }
  return out;
};

const imageJobs = (ctx: Context, image: Image): Outcome[] => {
  const { drill, stores } = image.spec;
  if (!drill) return [];
  const repository: RepositoryRef = {
    site: stores.primary.site,
    target: stores.primary.target,
    path: stores.primary.path,
  };
  return [
    decideScheduled(ctx, {
      job: 'drill',
      subject: { kind: 'image', name: image.metadata.name },
      schedule: drill.schedule,
      repository,
      key: `drill:image:${image.metadata.name}`,
      // An image drill restores the whole image and fscks it.
      heavy: true,
      extra: {
        drill: drill.sandbox === undefined ? { kind: 'image' } : { kind: 'image', sandbox: drill.sandbox },
      },
    }),
  ];
};

const compareSubjects = (a: JobSubject, b: JobSubject) =>
  a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'policy' ? -1 : 1;

const compareJobs = (a: PlannedJob, b: PlannedJob) =>
  JOB_ORDER[a.job] - JOB_ORDER[b.job] ||
  compareSubjects(a.subjects[0] as JobSubject, b.subjects[0] as JobSubject) ||
  a.key.localeCompare(b.key);

/** One job per key: a due member makes the whole group due, serving every subject in it. */
const merge = (group: PlannedJob[]): PlannedJob => {
  const due = group.filter((j) => j.status === 'due');
  const pool = due.length > 0 ? due : group;
  const lead = pool.reduce((a, b) => ((a.until?.getTime() ?? 0) <= (b.until?.getTime() ?? 0) ? a : b));
  if (group.length === 1) return lead;
  const subjects = group.flatMap((j) => j.subjects).sort(compareSubjects);
  const others = subjects.filter((s) => !lead.subjects.some((l) => l.kind === s.kind && l.name === s.name));
  return {
    ...lead,
    subjects,
    missed: Math.max(...group.map((j) => j.missed)),
    reason: `${lead.reason}; also for ${others.map(subjectLabel).join(', ')} (same repository)`,
  };
};

/** The jobs due at `now` at a site, the ones waiting (window, retry), and the ones that cannot be decided. */
export const dueJobs = (input: DueInput): Decision => {
  const decision: Decision = { site: input.site, now: input.now, due: [], waiting: [], skipped: [] };
  const site = input.inventory.sites.find((s) => s.value.metadata.name === input.site)?.value;
  if (!site) {
    decision.error = `site ${quote(input.site)} is not in the inventory`;
    return decision;
  }
  if (!isValidTimezone(site.spec.timezone)) {
    decision.error = `site ${quote(input.site)} has time zone ${quote(site.spec.timezone)}, which is not an IANA zone`;
    return decision;
  }
  const ctx: Context = {
    ...input,
    siteSpec: site.spec,
    retryAfter: input.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    windows: windowAt(site.spec, input.now),
  };
  const outcomes = [
    ...input.inventory.policies
      .filter((p) => p.value.spec.site === input.site)
      .flatMap((p) => policyJobs(ctx, p.value)),
    ...input.inventory.images
      .filter((i) => i.value.spec.site === input.site)
      .flatMap((i) => imageJobs(ctx, i.value)),
  ];
  const groups = new Map<string, PlannedJob[]>();
  for (const outcome of outcomes) {
    if (!outcome) continue;
    if ('skipped' in outcome) {
      decision.skipped.push(outcome.skipped);
      continue;
    }
    const group = groups.get(outcome.planned.key);
    if (group) group.push(outcome.planned);
    else groups.set(outcome.planned.key, [outcome.planned]);
  }
  for (const group of groups.values()) {
    const job = merge(group);
    (job.status === 'due' ? decision.due : decision.waiting).push(job);
  }
  decision.due.sort(compareJobs);
  decision.waiting.sort(compareJobs);
  return decision;
};
