import { checkCoverage } from './check-coverage.js';
import { cronAndTimezone } from './cron-and-timezone.js';
import { drillCadence } from './drill-cadence.js';
import { forgetScope } from './forget-scope.js';
import { imageChecksum } from './image-checksum.js';
import { imagePartitions } from './image-partitions.js';
import { maintenanceWindows } from './maintenance-windows.js';
import { noSecrets } from './no-secrets.js';
import { references } from './references.js';
import { repositoryUrl } from './repository-url.js';
import { retention } from './retention.js';
import type { Rule } from './rule.js';
import { safeTargets } from './safe-targets.js';
import { scheduleWithinRpo } from './schedule-within-rpo.js';
import { threeTwoOne } from './three-two-one.js';
import { uniqueNames } from './unique-names.js';

export * from './rule.js';

/** Every semantic rule, in the order their problems are reported. Add new rules here. */
export const RULES: readonly Rule[] = [
  uniqueNames,
  references,
  cronAndTimezone,
  scheduleWithinRpo,
  retention,
  forgetScope,
  threeTwoOne,
  drillCadence,
  checkCoverage,
  noSecrets,
  safeTargets,
  imageChecksum,
  imagePartitions,
  maintenanceWindows,
  repositoryUrl,
];
