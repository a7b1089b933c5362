import { DATA_CLASSES, type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';

// 3-2-1 in its minimal form: a fire, a theft or ransomware at one site must not take every copy.

export const threeTwoOne: Rule = {
  id: 'three-two-one',
  description: 'Critical policies and every image keep at least two copies, at least one of them offsite.',
  codes: {
    'durability.3-2-1': {
      title: 'Not enough copies offsite (3-2-1)',
      cause:
        'A policy of a critical data class has no offsite copy, or an image has fewer than two stores or none offsite; one incident at the site would destroy every copy.',
      fix: 'Add spec.offsite (policies) or stores.offsite / stores.replicas (images) pointing at a remote off the site.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.policies) {
      const { dataClass, offsite } = value.spec;
      if (offsite || !DATA_CLASSES[dataClass]?.critical) continue;
      problems.push(
        problemIn(
          document,
          ['spec', 'offsite'],
          'durability.3-2-1',
          `data class ${quote(dataClass)} is critical: it needs at least 2 copies with 1 offsite, but this policy keeps only its NAS repository; add spec.offsite`,
        ),
      );
    }
    for (const { value, document } of inventory.images) {
      const { primary, replicas = [], offsite = [] } = value.spec.stores;
      // The same store listed twice is still one copy.
      const onSite = new Set([primary, ...replicas].map((s) => `${s.site}\u0000${s.target}\u0000${s.path}`));
      const away = new Set(offsite.map((s) => `${s.site}\u0000${s.remote}`));
      const copies = onSite.size + away.size;
      if (copies >= 2 && away.size >= 1) continue;
      problems.push(
        problemIn(
          document,
          ['spec', 'stores'],
          'durability.3-2-1',
          `image has ${copies} ${copies === 1 ? 'copy' : 'copies'}, ${away.size} offsite: it needs at least 2 copies with 1 offsite; add stores.offsite`,
        ),
      );
    }
    return problems;
  },
};
