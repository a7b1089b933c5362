import type { Entry, Site } from '@lifeboat/core';
import { credentialNames, wrapNames } from './site-workflow.js';
import { OUT_DIR, runsOnBySite, setupSteps, uploadStep } from './steps.js';
import { flowList, header, indent } from './yaml-text.js';

// plan-snapshots.yml: on a pull request that touches policies/ or sites/, each site's own runner asks its
// repositories (`lifeboat plan --snapshots`, restic forget --dry-run --no-lock) which snapshots the change
// deletes, and keeps that in one sticky comment per site. A workflow of its own rather than a job in
// site-<name>.yml: its trigger, permissions (pull-requests: write) and concurrency stay apart from the
// 15-minute tick, so a pull request never queues behind a site's scheduled run nor holds one up, and the
// scheduled workflows show no skipped jobs on every pull request.

export const PLAN_SNAPSHOTS_WORKFLOW = '.github/workflows/plan-snapshots.yml';

/** The comment's marker for a site: `<!-- lifeboat:snapshots-<site> -->`, one comment per site. */
export const snapshotsMarker = (site: string): string => `snapshots-${site}`;

/** Sites that can hold snapshots (a site without a NAS target has no repository to ask), by name: same text every time. */
const previewSites = (sites: readonly Entry<Site>[]): Entry<Site>[] =>
  sites
    .filter((s) => s.value.spec.nas.length > 0)
    .sort((a, b) => a.value.metadata.name.localeCompare(b.value.metadata.name));

const credentialsComment = (sites: readonly Entry<Site>[]): string => {
  const lines = sites.flatMap((s) => {
    const names = credentialNames(s.value);
    const [first, ...rest] = wrapNames(names, 90);
    if (first === undefined) return [`#   ${s.value.metadata.name}: none named`];
    return [`#   ${s.value.metadata.name}: ${first}`, ...rest.map((l) => `#     ${l}`)];
  });
  return `# Credentials come from each runner's own environment, as for site-<name>.yml (never from GitHub or this
# file): mapping secrets here would put NAS passwords in GitHub, and an unset secret would blank the runner's own.
${lines.join('\n')}
`;
};

const OUT = OUT_DIR;

const PREVIEW_STEP = `- name: Ask restic which snapshots the retention changes delete
  id: preview
  shell: bash
  env:
    BASE_REF: \${{ github.base_ref }}
    SITE: \${{ matrix.site }}
  # Exits 0 at once, without calling restic, when no policy of the site changes its retention or scope.
  run: |
    mkdir -p "${OUT}"
    node cli/dist/main.js plan --base "origin/$BASE_REF" --snapshots --site "$SITE" --format json \\
      --output "${OUT}/preview.json"
    policies="$(node -e 'process.stdout.write(String(require(process.argv[1]).snapshots?.policies?.length ?? 0))' \\
      "${OUT}/preview.json")"
    echo "policies=$policies" >> "$GITHUB_OUTPUT"
`;

// Markdown is a second run: plan prints one format at a time. It asks restic again only when there is
// something to preview (rare: a retention change), and with nothing to preview it is as quick as the first.
const MARKDOWN_STEP = `- name: Write the preview as Markdown
  shell: bash
  env:
    BASE_REF: \${{ github.base_ref }}
    SITE: \${{ matrix.site }}
  run: |
    node cli/dist/main.js plan --base "origin/$BASE_REF" --snapshots --site "$SITE" --format markdown \\
      --output "${OUT}/preview.md"
    cat "${OUT}/preview.md" >> "$GITHUB_STEP_SUMMARY"
`;

const COMMENT_STEP = `- name: Post or update this site's sticky preview comment
  shell: bash
  env:
    GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
    PR_NUMBER: \${{ github.event.pull_request.number }}
    SITE: \${{ matrix.site }}
    POLICIES: \${{ steps.preview.outputs.policies }}
  # Nothing to preview at this site: refresh the comment an earlier push left (it would show deletions that
  # no longer happen), but start none, so a pull request gets comments only from the sites it affects.
  run: |
    if [ "$POLICIES" = 0 ]; then
      node cli/dist/main.js comment --repo "$GITHUB_REPOSITORY" --pr "$PR_NUMBER" \\
        --marker "snapshots-$SITE" --body-file "${OUT}/preview.md" --update-only
    else
      node cli/dist/main.js comment --repo "$GITHUB_REPOSITORY" --pr "$PR_NUMBER" \\
        --marker "snapshots-$SITE" --body-file "${OUT}/preview.md"
    fi
`;

/** The workflow, or undefined when no site has a NAS target (nothing to preview anywhere). */
export const renderPlanSnapshotsWorkflow = (sites: readonly Entry<Site>[]): string | undefined => {
  const chosen = previewSites(sites);
  if (chosen.length === 0) return undefined;
  const names = chosen.map((s) => s.value.metadata.name);
  const labels = new Map(chosen.map((s) => [s.value.metadata.name, s.value.spec.runner.labels]));
  return `${header('sites/', 'On pull requests that touch policies/ or sites/, each site runner previews which snapshots a retention change deletes.')}${credentialsComment(chosen)}name: plan snapshots

on:
  pull_request:
    paths:
      - "policies/**"
      - "sites/**"

permissions:
  contents: read
  pull-requests: write

# A newer push makes the older preview stale: cancel it. A group of its own, never a site's
# lifeboat-site-<name>, so a preview neither waits for nor delays a scheduled run (it reads without a lock).
concurrency:
  group: lifeboat-plan-snapshots-pr-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  preview:
    name: snapshots at \${{ matrix.site }}
    # A site runner holds the site's credentials: never run a fork's code there, same-repository PRs only.
    if: github.event.pull_request.head.repo.full_name == github.repository
    strategy:
      # One site's unreachable NAS must not cancel the other sites' previews.
      fail-fast: false
      matrix:
        site: ${flowList(names)}
    # The site's runner labels, as an expression: actionlint knows only GitHub's own labels.
    runs-on: ${runsOnBySite(labels, 'matrix.site')}
    timeout-minutes: 30
    steps:
${indent(setupSteps(true), 6)}
${indent(PREVIEW_STEP, 6)}
${indent(MARKDOWN_STEP, 6)}
${indent(COMMENT_STEP, 6)}
${indent(uploadStep(`lifeboat-plan-snapshots-\${{ matrix.site }}-\${{ github.run_id }}`, 'Keep the preview'), 6)}`;
};
