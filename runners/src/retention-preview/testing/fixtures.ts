// Loads the captured restic 0.14 outputs of this module's scenarios (see fixtures/capture-v0.14.sh).

import { readFileSync } from 'node:fs';
import type { ResticFixture } from '../../tools/restic/testing/fixtures.js';

export const previewFixture = (scenario: string): ResticFixture =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/v0.14/${scenario}.json`, import.meta.url), 'utf8'),
  ) as ResticFixture;
