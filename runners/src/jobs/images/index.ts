// The image jobs (exported as `jobs.images` … through runners/src/jobs/index.ts) and their registry.
import { imageCaptureJob } from './capture.js';
import { imageDrillJob } from './drill.js';
import { imageRestoreJob } from './restore.js';
import { sdWriteJob } from './sd-write.js';

export * from './capture.js';
export * from './codes.js';
export * from './drill.js';
export * from './layout.js';
export * from './manifest.js';
export * from './ranges.js';
export * from './record.js';
export * from './restore.js';
export * from './retention.js';
export * from './sd-write.js';
export * from './store.js';

/**
 * Job name → factory of its JobFn. Factories, not functions: restores and SD-card writes are on demand and
 * need their target (a disk, a card) from the request; captures and drills take only optional settings.
 */
export const IMAGE_JOBS = {
  'image-capture': imageCaptureJob,
  'image-restore': imageRestoreJob,
  'sd-write': sdWriteJob,
  drill: imageDrillJob,
} as const;

export type ImageJobName = keyof typeof IMAGE_JOBS;
