import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { firstLineOf, type Inventory, type RunRecord } from '@lifeboat/core';
import {
  type JobRegistry,
  type JobRequest,
  type LockBackoff,
  type RestoreFn,
  type RunEvent,
  requestJobs,
  requestRestores,
  runRequested,
  scheduler,
} from '@lifeboat/runners';
import type { BotRequest } from '../requests/types.js';
import type { Dispatcher, DispatchResult, PreflightResult, RunUpdate } from './types.js';

// The embedded default: the bot runs the runner's own request path (runRequested: repository lock, run
// record in the ledger, the same YAML re-checks) on this machine, for a bot that lives at the site.

export interface LocalDispatcherOptions {
  /** The inventory; a function so a reloaded inventory is seen. */
  inventory: Inventory | (() => Inventory);
  /** The runner's state directory: ledger (run records) and repository locks. */
  stateDir: string;
  /** Drills and image restores land here; default <stateDir>/sandbox. */
  sandboxDir?: string;
  /** Where repository passwords come from (passwordEnv names); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Drill jobs by name; default restic drill + image drill. */
  jobs?: JobRegistry;
  /** Restore functions by name (`restore`, `image-restore`); default restoreFiles + the image restore. */
  restores?: Readonly<Partial<Record<string, RestoreFn>>>;
  lockBackoff?: LockBackoff;
  /** A Slack permalink to copy into run records. */
  threadLink?: (request: BotRequest) => string | undefined;
  /** Minimum time between two progress updates; default 2 s. */
  progressEveryMs?: number;
  clock?: () => Date;
}

/** The runner's request for a bot request. */
export const jobRequestOf = (request: BotRequest): JobRequest => {
  const subject =
    request.policy !== undefined
      ? { kind: 'policy' as const, name: request.policy }
      : { kind: 'image' as const, name: request.image ?? '' };
  return {
    job: request.kind === 'drill' ? 'drill' : 'restore',
    subject,
    id: request.id,
    requester: request.requester,
    ...(request.approver !== undefined ? { approver: request.approver } : {}),
    ...(request.kind === 'drill'
      ? {}
      : { restore: { snapshot: request.snapshot, paths: [...request.paths], target: request.target } }),
  };
};

/** The repository a request's subject lives in, as the lock key; undefined when the subject is unknown. */
const repositoryKeyOf = (inventory: Inventory, request: BotRequest): string | undefined => {
  if (request.policy !== undefined) {
    const p = inventory.policies.find((e) => e.value.metadata.name === request.policy)?.value;
    return p
      ? scheduler.repositoryKey({
          site: request.site,
          target: p.spec.repository.target,
          path: p.spec.repository.path,
        })
      : undefined;
  }
  const i = inventory.images.find((e) => e.value.metadata.name === request.image)?.value;
  if (!i) return undefined;
  const s = i.spec.stores.primary;
  return scheduler.repositoryKey({ site: s.site, target: s.target, path: s.path });
};

const readRecord = async (file: string | undefined): Promise<RunRecord | undefined> => {
  if (file === undefined) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
};

export const createLocalDispatcher = (options: LocalDispatcherOptions): Dispatcher => {
  const inventory = () => (typeof options.inventory === 'function' ? options.inventory() : options.inventory);
  const sandboxDir = options.sandboxDir ?? path.join(options.stateDir, 'sandbox');

  const preflight = async (request: BotRequest): Promise<PreflightResult> => {
    const inv = inventory();
    if (!inv.sites.some((s) => s.value.metadata.name === request.site))
      return {
        ok: false,
        code: 'local.site-not-here',
        message: `site ${request.site} is not in this machine's inventory`,
      };
    const key = repositoryKeyOf(inv, request);
    if (key === undefined)
      return {
        ok: false,
        code: request.policy !== undefined ? 'draft.unknown-policy' : 'draft.unknown-image',
        message: `${request.policy ?? request.image ?? 'the subject'} is not in this machine's inventory`,
      };
    let attempt: Awaited<ReturnType<typeof scheduler.acquireRepositoryLock>>;
    try {
      // A try-lock released at once: tells "busy now" before the request is marked dispatched.
      attempt = await scheduler.acquireRepositoryLock(key, {
        stateDir: options.stateDir,
        job: `preflight ${request.id}`,
      });
    } catch (error) {
      return {
        ok: false,
        code: 'local.unsupported',
        message: firstLineOf(error),
      };
    }
    if (!attempt.acquired)
      return {
        ok: false,
        code: 'local.repository-locked',
        message: `repository ${key} is busy${attempt.holder ? ` (${attempt.holder.job}, since ${attempt.holder.started})` : ''}`,
      };
    await attempt.lock.release();
    return { ok: true };
  };

  const dispatch = async (request: BotRequest, onUpdate: (u: RunUpdate) => void): Promise<DispatchResult> => {
    const every = options.progressEveryMs ?? 2_000;
    let lastProgress = 0;
    let lastPercent = -1;
    const link = options.threadLink?.(request);
    const update = (u: RunUpdate) => {
      try {
        onUpdate(u);
      } catch {
        // A failing listener must not fail the restore.
      }
    };
    const onEvent = (event: RunEvent) => {
      if (event.event === 'job-start') update({ phase: 'started', message: `restoring at ${request.site}` });
      else if (event.event === 'job' && event.type === 'progress' && event.percent !== undefined) {
        const t = Date.now();
        if (t - lastProgress < every || event.percent === lastPercent) return;
        lastProgress = t;
        lastPercent = event.percent;
        update({ phase: 'progress', percent: event.percent, message: `${event.percent}%` });
      }
    };
    let summary: Awaited<ReturnType<typeof runRequested>>;
    try {
      summary = await runRequested({
        inventory: inventory(),
        site: request.site,
        stateDir: options.stateDir,
        sandboxDir,
        env: options.env ?? process.env,
        onEvent,
        request: jobRequestOf(request),
        jobs: options.jobs ?? requestJobs(),
        restores: options.restores ?? requestRestores(),
        ...(options.lockBackoff ? { lockBackoff: options.lockBackoff } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(link !== undefined ? { links: { slackThread: link } } : {}),
      });
    } catch (error) {
      const message = firstLineOf(error);
      update({ phase: 'failed', message });
      return { ok: false, code: 'dispatch.crashed', message };
    }
    if (summary.error !== undefined) {
      update({ phase: 'failed', message: summary.error });
      return { ok: false, code: 'local.refused', message: summary.error };
    }
    const job = summary.jobs[0];
    const record = await readRecord(job?.recordFiles[0]);
    const verified = job?.outcome === 'ok' && record?.outcome === 'ok';
    const message = verified
      ? (record?.verification?.details ?? 'restored and verified')
      : (job?.error?.message ?? record?.error?.message ?? `ended ${job?.outcome ?? 'without a record'}`);
    update({ phase: verified ? 'verified' : 'failed', message, ...(record ? { record } : {}) });
    const runId = record?.id ?? job?.records[0];
    return { ok: true, ...(runId !== undefined ? { runId } : {}) };
  };

  return { name: 'local', preflight, dispatch };
};
