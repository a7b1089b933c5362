import { DATA_CLASSES, maxIntervalSeconds, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';
import { isValidCron } from './support/schedules.js';

// Rotating `check --read-data-subset n/t` reads every pack only after t checks; the cadence must keep that promise.

const DAY = 86_400;
const days = (seconds: number) => {
  const d = Math.round((seconds / DAY) * 10) / 10;
  return `${d} ${d === 1 ? 'day' : 'days'}`;
};

export const checkCoverage: Rule = {
  id: 'check-coverage',
  description: 'Checks read every pack within readAllWithinDays; critical data classes have a check at all.',
  codes: {
    'check.coverage': {
      title: 'Check does not cover the repository in time',
      cause:
        'With `check --read-data-subset n/subsets` rotating over the check schedule, a full read takes subsets × the longest gap between checks, which is longer than readAllWithinDays; or a critical data class has no check, so silent corruption is found only by a restore.',
      fix: 'Check more often, use fewer subsets, or raise readAllWithinDays; add spec.check to critical policies.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.policies) {
      const { check, dataClass } = value.spec;
      if (!check) {
        if (DATA_CLASSES[dataClass]?.critical) {
          problems.push(
            problemIn(
              document,
              ['spec', 'check'],
              'check.coverage',
              `data class ${quote(dataClass)} is critical but the policy has no check: corruption would only show at restore time; add spec.check`,
              { severity: 'warning' },
            ),
          );
        }
        continue;
      }
      if (!isValidCron(check.schedule.cron)) continue;
      const gap = maxIntervalSeconds(check.schedule.cron);
      const fullRead = check.subsets * gap;
      if (fullRead <= check.readAllWithinDays * DAY) continue;
      problems.push(
        problemIn(
          document,
          ['spec', 'check', 'readAllWithinDays'],
          'check.coverage',
          `reading every pack takes up to ${days(fullRead)} (${check.subsets} subsets, checks up to ${days(gap)} apart), longer than readAllWithinDays ${check.readAllWithinDays}`,
        ),
      );
    }
    return problems;
  },
};
