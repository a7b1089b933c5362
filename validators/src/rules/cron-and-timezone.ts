import { isValidTimezone, type LoadedDocument, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';
import { checkCronCached, imageSchedules, policySchedules, type ScheduleAt } from './support/schedules.js';

// A schedule that cannot be parsed never runs; the scheduler must not be the first to find out.

/** cron-parser's reasons embed the offending text: keep them on one line and short. */
const oneLine = (reason: string) => {
  const flat = [...reason]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
};

export const cronAndTimezone: Rule = {
  id: 'cron-and-timezone',
  description:
    'Every schedule is a valid five-field cron expression and every time zone is a known IANA zone.',
  codes: {
    'cron.invalid': {
      title: 'Invalid cron expression',
      cause:
        'A schedule is not five fields (minute hour day-of-month month day-of-week) or a macro such as @daily, or a field is out of range.',
      fix: 'Write a five-field expression, e.g. "30 2 * * *" for 02:30 every day; crontab.guru explains each field.',
    },
    'timezone.invalid': {
      title: 'Unknown time zone',
      cause:
        'The time zone is not an IANA zone name known to the runtime: a typo, an invented name, or an abbreviation such as EST or CET (which maps to a fixed offset without daylight saving).',
      fix: 'Use a zone name such as America/Chicago or Europe/London.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    const checkSchedules = (document: LoadedDocument, schedules: ScheduleAt[]) => {
      for (const s of schedules) {
        const result = checkCronCached(s.cron);
        if (!result.ok) {
          problems.push(
            problemIn(
              document,
              [...s.path, 'cron'],
              'cron.invalid',
              `${s.job} cron ${quote(s.cron)} is invalid: ${oneLine(result.reason)}`,
            ),
          );
        }
        if (s.timezone !== undefined && !isValidTimezone(s.timezone)) {
          problems.push(
            problemIn(
              document,
              [...s.path, 'timezone'],
              'timezone.invalid',
              `${s.job} time zone ${quote(s.timezone)} is not an IANA zone`,
            ),
          );
        }
      }
    };
    for (const { value, document } of inventory.sites) {
      if (!isValidTimezone(value.spec.timezone)) {
        problems.push(
          problemIn(
            document,
            ['spec', 'timezone'],
            'timezone.invalid',
            `site time zone ${quote(value.spec.timezone)} is not an IANA zone`,
          ),
        );
      }
    }
    for (const { value, document } of inventory.policies)
      checkSchedules(document, policySchedules(value.spec));
    for (const { value, document } of inventory.images) checkSchedules(document, imageSchedules(value.spec));
    return problems;
  },
};
