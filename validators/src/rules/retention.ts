import { DATA_CLASSES, type Problem, problemIn, quote, RETENTION_KEYS } from '@lifeboat/core';
import type { Rule } from './rule.js';

// Retention is where backups are destroyed: an empty or too-short one loses history the data class promises.

export const retention: Rule = {
  id: 'retention',
  description:
    "Retention sets at least one keep rule and meets the data class's minimum for every key it demands.",
  codes: {
    'retention.empty': {
      title: 'Retention keeps nothing',
      cause:
        'spec.retention sets no keep rule, so forget has nothing to keep by: lifeboat cannot run retention for this policy.',
      fix: 'Set at least one of keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin.',
    },
    'retention.below-minimum': {
      title: 'Retention below the data class minimum',
      cause:
        "A keep rule the policy's data class requires is missing or lower than the class minimum (DATA_CLASSES in core), so forget would delete history the organisation must keep.",
      fix: 'Raise the value to at least the minimum, or change the data class if it is wrong.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.policies) {
      const { retention: kept, dataClass } = value.spec;
      if (!RETENTION_KEYS.some((k) => kept[k] !== undefined)) {
        problems.push(
          problemIn(
            document,
            ['spec', 'retention'],
            'retention.empty',
            'retention sets no keep rule: set at least one keep* key',
          ),
        );
      }
      const minimum: Readonly<Record<string, number>> = DATA_CLASSES[dataClass]?.minRetention ?? {};
      for (const [key, min] of Object.entries(minimum)) {
        const actual = kept[key as keyof typeof kept];
        if (typeof actual === 'number' && actual >= min) continue;
        const path = ['spec', 'retention', key];
        problems.push(
          problemIn(
            document,
            path,
            'retention.below-minimum',
            actual === undefined
              ? `${key} is missing: data class ${quote(dataClass)} needs at least ${min}`
              : `${key} is ${typeof actual === 'number' ? actual : quote(actual)}, below the minimum of ${min} for data class ${quote(dataClass)}`,
          ),
        );
      }
    }
    return problems;
  },
};
