import type { CatalogueEntry } from '@lifeboat/core';

// Codes the retention preview puts into a plan's snapshot sections (restic's own failures keep restic's codes).

export const PREVIEW_CODES = {
  'retention-preview.scope-violated': {
    title: 'Preview saw another policy’s snapshot',
    cause:
      'restic forget --dry-run answered with a snapshot that lacks the policy’s tag (or host), so its filter was not applied; the preview cannot be trusted and the real forget would be just as wrong.',
    fix: 'Check the restic version on the runner and run the same forget --dry-run by hand; do not merge the retention change until the preview is clean.',
  },
  'retention-preview.repository-moved': {
    title: 'Retention not previewed: the repository moved',
    cause:
      'The change also moves the policy to another repository. The old rules never ran there and the new ones never run on the old one, so there is nothing to compare.',
    fix: 'Nothing to do for the preview; see the plan’s repository moves. Change retention and repository in separate pull requests to preview the retention change.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type PreviewCode = keyof typeof PREVIEW_CODES;
