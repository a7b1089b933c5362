// Codes the demo (`npm run demo`) shows for its own steps; the jobs it runs keep their own codes.
import type { CatalogueEntry } from '@lifeboat/core';

export const DEMO_CODES = {
  'demo.request-refused': {
    title: 'Demo restore request refused',
    cause:
      'The demo asks the runner for a restore the way the Slack bot does, and the runner refused the request before any job ran; the message says why.',
    fix: 'Read the message; `lifeboat explain <code>` explains the code of the step before it. Run `npm run demo` again once that step is ok.',
  },
  'demo.objectives-red': {
    title: 'Demo report shows a red row',
    cause:
      'After the demo ran, the report has at least one policy or image whose objectives are not met (a failed job, a backup older than its RPO, a failed drill); the message names it and the first reason.',
    fix: "Look at the failed step above it and its code (`lifeboat explain <code>`), or the whole report: `lifeboat report --format md` with the demo's state directory.",
  },
  'demo.docs-failed': {
    title: 'Demo could not generate the runbook pages',
    cause:
      'The last step generates the runbook site from the demo inventory and its run records, and the generator threw (a file it could not write, or a bug); the message says what.',
    fix: 'Run `lifeboat docs --no-build` on the example inventory to see the same error with its file; report it if the message names no file of yours.',
  },
} as const satisfies Record<string, CatalogueEntry>;
