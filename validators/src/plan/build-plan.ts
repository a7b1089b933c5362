import { DEFAULT_LIMITS, type LoadLimits, loadInventory, loadInventoryFromFiles } from '@lifeboat/core';
import { diffInventories } from './diff.js';
import { readInventoryAtRef } from './git-tree.js';
import type { PlanResult } from './types.js';

// `lifeboat plan` end to end: the inventory committed at a ref against the working tree under the same root.

export interface BuildPlanOptions {
  /** Inventory root (holds sites/, policies/, images/); may be a sub-folder of the git work tree. */
  root: string;
  /** Git ref of the base, e.g. `origin/main`. */
  base: string;
  now: Date;
  limits?: LoadLimits;
}

export const buildPlan = async ({
  root,
  base,
  now,
  limits = DEFAULT_LIMITS,
}: BuildPlanOptions): Promise<PlanResult> => {
  const atRef = await readInventoryAtRef(root, base, limits);
  const baseLoaded = loadInventoryFromFiles(atRef.files, limits);
  // Refused files (too large, links) count as failed to load, like their counterparts on disk.
  const withRefused = { ...baseLoaded, problems: [...atRef.problems, ...baseLoaded.problems] };
  const headLoaded = await loadInventory(root, limits);
  return diffInventories(withRefused, headLoaded, {
    now,
    base: { label: base, commit: atRef.commit },
    head: { label: 'working tree' },
  });
};
