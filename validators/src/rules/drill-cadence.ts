import { formatDuration, type LoadedDocument, type Problem, parseDuration, problemIn } from '@lifeboat/core';
import type { Rule } from './rule.js';

// An RTO nobody has ever restored against is a guess; the drill is what measures it.

export const drillCadence: Rule = {
  id: 'drill-cadence',
  description: 'Every policy or image with an RTO has a drill that measures it.',
  codes: {
    'drill.missing': {
      title: 'RTO without a drill',
      cause:
        'objectives.rto is set but spec.drill is not, so nothing ever restores the data to prove the RTO can be met.',
      fix: 'Add spec.drill with a schedule (and a sandbox), or remove the RTO if there is no such objective.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    const check = (document: LoadedDocument, spec: { objectives?: { rto?: string }; drill?: unknown }) => {
      const rto = spec.objectives?.rto;
      if (rto === undefined || spec.drill !== undefined) return;
      const seconds = parseDuration(rto);
      problems.push(
        problemIn(
          document,
          ['spec', 'objectives', 'rto'],
          'drill.missing',
          `an RTO${seconds === undefined ? '' : ` of ${formatDuration(seconds)}`} is set but no drill proves it: add spec.drill`,
        ),
      );
    };
    for (const { value, document } of inventory.policies) check(document, value.spec);
    for (const { value, document } of inventory.images) check(document, value.spec);
    return problems;
  },
};
