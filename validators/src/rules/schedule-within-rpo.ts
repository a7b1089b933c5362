import { formatDuration, maxIntervalSeconds, type Problem, parseDuration, problemIn } from '@lifeboat/core';
import type { Rule } from './rule.js';
import { isValidCron } from './support/schedules.js';

// An RPO the schedule cannot meet is a promise broken by design, whatever the runners do.

export const scheduleWithinRpo: Rule = {
  id: 'schedule-within-rpo',
  description: 'The longest gap between two backups of a policy is no longer than its RPO.',
  codes: {
    'schedule.exceeds-rpo': {
      title: 'Schedule cannot meet the RPO',
      cause:
        'The longest gap between two consecutive runs of spec.schedule.cron (over the whole calendar) is longer than objectives.rpo, so some data could be lost beyond the objective even when every run succeeds.',
      fix: 'Run the backup more often (e.g. "0 */4 * * *" for a 4h RPO) or relax the RPO with the data owner.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    // Parsed once per distinct text: thousands of policies share a handful of RPOs.
    const durations = new Map<string, number | undefined>();
    const seconds = (text: string) => {
      if (!durations.has(text)) durations.set(text, parseDuration(text));
      return durations.get(text);
    };
    for (const { value, document } of inventory.policies) {
      const { spec } = value;
      const rpo = spec.objectives?.rpo === undefined ? undefined : seconds(spec.objectives.rpo);
      if (rpo === undefined || !isValidCron(spec.schedule.cron)) continue;
      const gap = maxIntervalSeconds(spec.schedule.cron);
      if (gap <= rpo) continue;
      problems.push(
        problemIn(
          document,
          ['spec', 'schedule', 'cron'],
          'schedule.exceeds-rpo',
          `runs can be up to ${formatDuration(gap)} apart, longer than the RPO of ${formatDuration(rpo)}`,
        ),
      );
    }
    return problems;
  },
};
