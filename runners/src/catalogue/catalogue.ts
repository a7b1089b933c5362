import { IMAGE_CODES } from '../jobs/images/codes.js';
import { PREVIEW_CODES } from '../retention-preview/codes.js';
import { RUN_CODES } from '../run/codes.js';
import { DISK_CODES } from '../tools/disk/codes.js';
import { PARTCLONE_CODES } from '../tools/partclone/codes.js';
import { RCLONE_CODES } from '../tools/rclone/codes.js';
import { CODES as RESTIC_CODES } from '../tools/restic/outcome.js';
import { DEMO_CODES } from './demo-codes.js';
import { JOB_CODES } from './job-codes.js';
import { LEDGER_CODES } from './ledger-codes.js';
import { type Catalogue, mergeCatalogues } from './merge.js';

// Every code the runners put into run records or ledger problems, in one place: the per-module tables stay
// beside the code that emits them, this is their union (a test checks that every emitted code is here).

export const RUNNER_CATALOGUE: Catalogue = mergeCatalogues([
  RUN_CODES,
  JOB_CODES,
  LEDGER_CODES,
  IMAGE_CODES,
  RESTIC_CODES,
  RCLONE_CODES,
  PARTCLONE_CODES,
  DISK_CODES,
  PREVIEW_CODES,
  DEMO_CODES,
]);
