import { type BackupPolicy, type Image, quote, type RunRecord, SlackId } from '@lifeboat/core';
import type { JobContext } from '../jobs/job.js';
import type { JobSubject, PlannedJob, RepositoryRef } from '../scheduler/index.js';
import type { RunSummary } from './events.js';
import type { RunTarget } from './records.js';
import { allOk, countEnds, type JobRegistry, registryKey } from './run-due.js';
import { jobContext, type RunEnvironment, runnerOf, runOne } from './run-one.js';

// Jobs run because someone asked (the Slack bot dispatching drill.yml or restore.yml, or a person at the
// runner): the same lock, records and cancellation as scheduled jobs, no schedule or window, and the
// request's id and requester on the record. The runner re-checks what the YAML allows: a dispatched request
// is an input like any other.

export type RestoreTarget = 'alternate' | 'in-place';

/** What a restore job is asked to do. */
export interface RestoreRequest {
  subject: JobSubject;
  repository: RepositoryRef;
  /** A snapshot id, or `latest`. */
  snapshot: string;
  /** Paths inside the snapshot; empty restores all of it. */
  paths: string[];
  /** `alternate`: the policy's restore.alternateTarget (default); `in-place`: over the live data. */
  target: RestoreTarget;
  requestId: string;
}

/** The contract for restore jobs: like a JobFn, but told what to restore instead of what was scheduled. */
export type RestoreFn = (request: RestoreRequest, context: JobContext) => Promise<RunRecord>;

export interface JobRequest {
  job: 'drill' | 'restore';
  subject: JobSubject;
  /** The request's id (the bot finds the workflow run by it). */
  id: string;
  /** Slack ids, as run records hold them. */
  requester?: string;
  approver?: string;
  restore?: { snapshot: string; paths: string[]; target: RestoreTarget };
}

export interface RequestOptions extends RunEnvironment {
  request: JobRequest;
  /** Drills by the names `run --due` uses (`drill`, `image-drill`). */
  jobs: JobRegistry;
  /** Restores by name: `restore` for policies, `image-restore` for images. */
  restores?: Readonly<Partial<Record<string, RestoreFn>>>;
}

// Also the workflow artifact's name, which allows no colons or slashes.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const SLACK_ID = new RegExp(SlackId.pattern ?? '^$');

type Found = { ok: true; policy?: BackupPolicy; image?: Image } | { ok: false; message: string };

const findSubject = (options: RequestOptions): Found => {
  const { subject } = options.request;
  const { inventory, site } = options;
  const label = `${subject.kind} ${quote(subject.name)}`;
  const entry =
    subject.kind === 'policy'
      ? inventory.policies.find((p) => p.value.metadata.name === subject.name)?.value
      : inventory.images.find((i) => i.value.metadata.name === subject.name)?.value;
  if (!entry) return { ok: false, message: `${label} is not in the inventory` };
  if (entry.spec.site !== site)
    return { ok: false, message: `${label} belongs to site ${quote(entry.spec.site)}, not ${quote(site)}` };
  return subject.kind === 'policy'
    ? { ok: true, policy: entry as BackupPolicy }
    : { ok: true, image: entry as Image };
};

/** What the YAML says against this request, or undefined when it may run. */
export const requestProblem = (options: RequestOptions): string | undefined => {
  const { request } = options;
  if (!REQUEST_ID.test(request.id))
    return `request id ${quote(request.id, 140)} is not 1–128 letters, digits, dots, dashes or underscores`;
  for (const [role, id] of [
    ['requester', request.requester],
    ['approver', request.approver],
  ] as const) {
    if (id !== undefined && !SLACK_ID.test(id))
      return `${role} ${quote(id, 40)} is not a Slack user or group id`;
  }
  const found = findSubject(options);
  if (!found.ok) return found.message;
  if (request.job !== 'restore') return undefined;
  if (!request.restore) return 'a restore request needs a snapshot, paths and a target';
  const { target, snapshot } = request.restore;
  if (!/^(latest|[0-9a-f]{8,64})$/.test(snapshot))
    return `snapshot ${quote(snapshot, 70)} is neither "latest" nor a snapshot id (8–64 hex digits)`;
  const policy = found.policy;
  if (!policy) return undefined;
  const rules = policy.spec.restore;
  const name = quote(policy.metadata.name);
  if (target === 'in-place' && rules?.allowInPlace !== true)
    return `policy ${name} does not allow in-place restores (spec.restore.allowInPlace): restore to the alternate target`;
  const needsApproval =
    rules?.approval === 'required' || (rules?.approval === 'in-place-only' && target === 'in-place');
  if (needsApproval) {
    if (request.approver === undefined) return `policy ${name} requires an approver for this restore`;
    if (target === 'in-place' && request.approver === request.requester)
      return 'the requester may not approve their own in-place restore';
  }
  return undefined;
};

const repositoryOf = (site: string, found: { policy?: BackupPolicy; image?: Image }): RepositoryRef => {
  if (found.policy) {
    const { target, path } = found.policy.spec.repository;
    return { site, target, path };
  }
  const store = (found.image as Image).spec.stores.primary;
  return { site: store.site, target: store.target, path: store.path };
};

/** The drill as the scheduler would have planned it, minus schedule and window: it was asked for now. */
const plannedDrill = (
  options: RequestOptions,
  found: { policy?: BackupPolicy; image?: Image },
  reason: string,
) => {
  const { subject } = options.request;
  const sandbox = found.policy?.spec.drill?.sandbox ?? found.image?.spec.drill?.sandbox;
  const kind = found.image ? 'image' : (found.policy?.spec.drill?.kind ?? 'sample');
  const planned: PlannedJob = {
    key: `drill:${subject.kind}:${subject.name}`,
    job: 'drill',
    subjects: [subject],
    repository: repositoryOf(options.site, found),
    heavy: kind !== 'sample',
    status: 'due',
    missed: 0,
    drill: sandbox === undefined ? { kind } : { kind, sandbox },
    reason,
  };
  return planned;
};

/** Run one requested drill or restore; a request the YAML refuses runs nothing and says why in `error`. */
export const runRequested = async (options: RequestOptions): Promise<RunSummary> => {
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const { request } = options;
  const summary = (jobs: RunSummary['jobs'], error?: string): RunSummary => ({
    site: options.site,
    now: startedAt.toISOString(),
    startedAt: startedAt.toISOString(),
    endedAt: clock().toISOString(),
    jobs,
    waiting: [],
    skipped: [],
    cancelled: options.signal?.aborted === true,
    ok: error === undefined && allOk(jobs),
    counts: countEnds(jobs),
    ...(error === undefined ? {} : { error }),
  });
  const finish = (result: RunSummary) => {
    options.onEvent?.({ event: 'summary', ...result });
    return result;
  };
  const site = options.inventory.sites.find((s) => s.value.metadata.name === options.site);
  if (!site) return finish(summary([], `site ${quote(options.site)} is not in the inventory`));
  const problem = requestProblem(options);
  const found = findSubject(options);
  if (problem !== undefined || !found.ok) return finish(summary([], problem ?? 'request refused'));

  const runner = runnerOf(options, site);
  const who = request.requester === undefined ? '' : ` by ${request.requester}`;
  const reason = `requested${who} (request ${quote(request.id, 140)})`;
  const people = {
    ...(request.requester === undefined ? {} : { requester: request.requester }),
    ...(request.approver === undefined ? {} : { approver: request.approver }),
  };
  const one = { index: 1, total: 1 };

  if (request.job === 'drill') {
    const planned = plannedDrill(options, found, reason);
    const name = registryKey(planned);
    const fn = options.jobs[name];
    if (!fn) return finish(summary([], `this build of lifeboat has no ${quote(name)} job: nothing was run`));
    const context = jobContext(runner, planned.key, people);
    const ended = await runOne(runner, planned, reason, one, () => fn(planned, context), people);
    options.onEvent?.({ event: 'job-end', ...ended });
    return finish(summary([ended]));
  }

  const restore = request.restore as NonNullable<JobRequest['restore']>;
  const name = request.subject.kind === 'image' ? 'image-restore' : 'restore';
  const fn = options.restores?.[name];
  if (!fn) return finish(summary([], `this build of lifeboat has no ${quote(name)} job: nothing was run`));
  const target: RunTarget = {
    key: `restore:${request.subject.kind}:${request.subject.name}:${request.id}`,
    job: request.subject.kind === 'image' ? 'image-restore' : 'restore',
    subjects: [request.subject],
    repository: repositoryOf(options.site, found),
  };
  const restoreRequest: RestoreRequest = {
    subject: request.subject,
    repository: target.repository,
    snapshot: restore.snapshot,
    paths: restore.paths,
    target: restore.target,
    requestId: request.id,
  };
  const context = jobContext(runner, target.key, people);
  const ended = await runOne(runner, target, reason, one, () => fn(restoreRequest, context), people);
  options.onEvent?.({ event: 'job-end', ...ended });
  return finish(summary([ended]));
};
