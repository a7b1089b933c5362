import {
  type CatalogueEntry,
  CORE_CATALOGUE,
  compareProblems,
  type LoadInventoryResult,
  type Problem,
} from '@lifeboat/core';
import { buildIndex, RULES, type Rule } from './rules/index.js';

// Runs every rule over a loaded inventory; a rule that throws becomes a problem, never a crash.

export const validateInventory = (loaded: LoadInventoryResult, rules: readonly Rule[] = RULES): Problem[] => {
  const context = { inventory: loaded.inventory, index: buildIndex(loaded.inventory) };
  const problems = [...loaded.problems];
  for (const rule of rules) {
    try {
      problems.push(...rule.check(context));
    } catch (err) {
      problems.push({
        code: 'internal.rule-failed',
        severity: 'error',
        message: `rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}`,
        file: '',
        line: 1,
        col: 1,
        path: '',
      });
    }
  }
  return problems.sort(compareProblems);
};

/** Every code lifeboat's validation can emit: core's syntax/shape codes and each rule's. */
export const catalogue = (rules: readonly Rule[] = RULES): Record<string, CatalogueEntry> => ({
  ...CORE_CATALOGUE,
  'internal.rule-failed': {
    title: 'A rule failed',
    cause: 'A validation rule hit an unexpected condition: a lifeboat bug, not a problem in your data.',
    fix: 'Report it with the file that triggers it; the other rules still ran.',
  },
  ...Object.assign({}, ...rules.map((r) => r.codes)),
});
