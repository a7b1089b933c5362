import type { Site } from '@lifeboat/core';

// One rule for where a site's records live, shared by `run`, `runs` and `report`.

export const DEFAULT_STATE_DIR = '.lifeboat-state';

/** `--state-dir` when given, else the site's `runner.stateDir`, else `.lifeboat-state` in the working directory. */
export const resolveStateDir = (flag: string | undefined, site?: Site): string =>
  flag ?? site?.spec.runner.stateDir ?? DEFAULT_STATE_DIR;
