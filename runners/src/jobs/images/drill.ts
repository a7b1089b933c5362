// The image drill: the latest stored version restored into a sparse disk file in a sandbox, verified
// there (stored hashes, re-capture hash, fsck, read-back), timed against the image's RTO, and removed.
// It proves the image can be put back on a disk within the objective, not only that its files exist.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDuration, quote } from '@lifeboat/core';
import type { PlannedJob } from '../../scheduler/due.js';
import type { JobContext, JobFn } from '../job.js';
import { beginImageJob, endImageJob, errorOf, failureOutcome, type ImageRun } from './record.js';
import { describeChecks, restoreVersion, VERIFICATION_METHOD } from './restore.js';
import { listVersions, storeRootOf } from './store.js';

export interface ImageDrillOptions {
  storeRoot?: string;
  /** Drill this version instead of the latest capture. */
  version?: string;
  timeoutMs?: number;
}

const drill = async (run: ImageRun, planned: PlannedJob, options: ImageDrillOptions) => {
  const { image, context } = run;
  const name = image.metadata.name;
  const root = storeRootOf(image, context, options.storeRoot);
  if (!root.ok) return endImageJob(run, { outcome: 'failed', error: root.error });
  const listing = await listVersions(root.value, name).catch((e: unknown) => errorOf(e));
  if ('code' in listing) return endImageJob(run, { outcome: 'failed', error: listing });
  const version = options.version
    ? listing.versions.find((v) => v.version === options.version)
    : listing.versions.at(-1);
  if (!version) {
    const damaged =
      listing.damaged.length > 0
        ? ` (${listing.damaged.length} damaged: ${listing.damaged[0]?.error.message})`
        : '';
    return endImageJob(run, {
      outcome: 'failed',
      error: {
        code: 'image.version-missing',
        message: `image ${quote(name)} has ${options.version ? `no stored version ${quote(options.version)}` : 'no stored version'} in ${quote(root.value, 200)}${damaged}`,
      },
    });
  }

  const rto = image.spec.objectives?.rto;
  const objectiveSeconds = rto ? parseDuration(rto) : undefined;
  const parent = planned.drill?.sandbox ?? image.spec.drill?.sandbox ?? context.sandboxDir;
  let sandbox: string | undefined;
  try {
    await mkdir(parent, { recursive: true });
    // Our own directory inside the sandbox: the sandbox itself may hold other drills and is never removed.
    sandbox = await mkdtemp(join(parent, `image-drill-${name}-`));
    const started = performance.now();
    const result = await restoreVersion({
      version,
      target: join(sandbox, 'disk.img'),
      scratchDir: sandbox,
      forbidden: [root.value],
      // A drill always re-captures and checks: that is its point, whatever the restore settings say.
      recapture: true,
      fsck: true,
      signal: context.signal,
      timeoutMs: options.timeoutMs,
      onProgress: (percent) => run.emit({ type: 'progress', percent }),
      onLog: (message) => run.emit({ type: 'log', message }),
    });
    const measuredSeconds = Math.round(((performance.now() - started) / 1000) * 1000) / 1000;
    const passed = result.outcome === 'ok';
    const stats: Record<string, string | number | boolean> = {
      version: version.version,
      capturedAt: version.manifest.capturedAt,
      imageBytes: version.manifest.partitionTable.imageBytes,
      restoreSeconds: measuredSeconds,
    };
    if (objectiveSeconds === undefined) stats.rtoObjective = 'none declared';
    const rtoField =
      objectiveSeconds === undefined
        ? {}
        : { rto: { measuredSeconds, objectiveSeconds, met: passed && measuredSeconds <= objectiveSeconds } };
    if (result.outcome === 'ok') {
      stats.bytesWritten = result.report.bytesWritten;
      return endImageJob(run, {
        outcome: 'ok',
        stats,
        verification: { passed: true, method: VERIFICATION_METHOD, details: describeChecks(result.report) },
        ...rtoField,
      });
    }
    return endImageJob(run, {
      outcome: failureOutcome(run, result.outcome),
      error: result.error,
      stats,
      verification: { passed: false, method: VERIFICATION_METHOD, details: result.error.message },
      ...rtoField,
    });
  } catch (e) {
    return endImageJob(run, { outcome: failureOutcome(run), error: errorOf(e) });
  } finally {
    if (sandbox) await rm(sandbox, { recursive: true, force: true }).catch(() => undefined);
  }
};

/** The image `drill` job (scheduled by the image's `drill.schedule`, heavy: it runs in a maintenance window). */
export const imageDrillJob =
  (options: ImageDrillOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext) => {
    const begun = await beginImageJob('drill', planned, context);
    if (!begun.ok) return begun.record;
    return drill(begun.run, planned, options);
  };
