import path from 'node:path';
import { IMAGE_JOBS } from '../jobs/images/index.js';
import type { JobContext } from '../jobs/job.js';
import { RESTIC_JOBS } from '../jobs/restic-jobs.js';
import { restoreFiles } from '../jobs/restore.js';
import type { PlannedJob } from '../scheduler/index.js';
import type { RestoreFn, RestoreRequest } from './requested.js';
import type { JobRegistry } from './run-due.js';

// The request path's default jobs and restores, one set for `lifeboat run --request` and the bot's local
// dispatcher so a drill or restore asked for in Slack runs the same code wherever it is dispatched.

/** Drills by the names `run --due` uses: the restic jobs plus `image-drill`. */
export const requestJobs = (): JobRegistry => ({ ...RESTIC_JOBS, 'image-drill': IMAGE_JOBS.drill() });

/** An image restore as the planned job the image jobs expect (they take a schedule entry, not a request). */
export const imageRestorePlan = (request: RestoreRequest, key: string, reason: string): PlannedJob => ({
  key,
  job: 'drill',
  subjects: [request.subject],
  repository: request.repository,
  heavy: true,
  status: 'due',
  missed: 0,
  reason,
});

/** Requested image restores land in a new file in the sandbox, never on a device: restored and verified there. */
const imageRestoreToSandbox: RestoreFn = (request: RestoreRequest, context: JobContext) =>
  IMAGE_JOBS['image-restore']({
    target: path.join(context.sandboxDir, `image-restore-${request.requestId}.img`),
  })(
    imageRestorePlan(
      request,
      `restore:image:${request.subject.name}:${request.requestId}`,
      `requested (request ${request.requestId})`,
    ),
    context,
  );

/** Restores by name: `restore` (files of a policy) and `image-restore` (to the sandbox). */
export const requestRestores = (): Readonly<Partial<Record<string, RestoreFn>>> => ({
  restore: (request, context) =>
    restoreFiles({
      policy: request.subject.name,
      snapshot: request.snapshot,
      paths: request.paths,
      target: request.target,
      context,
    }),
  'image-restore': imageRestoreToSandbox,
});
