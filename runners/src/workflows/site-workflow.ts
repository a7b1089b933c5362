import type { Entry, Site } from '@lifeboat/core';
import { OUT_DIR, publishRecordsSteps, runnerLabels, SETUP_STEPS, uploadStep } from './steps.js';
import { header, indent } from './yaml-text.js';

// One workflow per site: a tick every 15 minutes on the site's own runner, where `lifeboat run --due`
// decides what is due. The tick only asks; the schedules live in the policies, in their time zones.

export const siteWorkflowPath = (site: string): string => `.github/workflows/site-${site}.yml`;

/** The artifact each site run publishes its recent records under (the bot and the docs workflow read it). */
export { recordsArtifactName } from './steps.js';

/** The environment variables the site's YAML names for credentials, for the header (values never). */
export const credentialNames = (site: Site): string[] => {
  const names = new Set<string>();
  for (const nas of site.spec.nas) {
    if (nas.credentials.passwordEnv !== undefined) names.add(nas.credentials.passwordEnv);
    for (const n of nas.credentials.envFrom ?? []) names.add(n);
  }
  for (const remote of site.spec.offsite ?? []) for (const n of remote.envFrom ?? []) names.add(n);
  return [...names].sort();
};

/** Comma-separated names on lines of at most `width` characters, for a header comment. */
export const wrapNames = (names: readonly string[], width = 100): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line === '' ? name : `${line}, ${name}`;
    if (next.length > width && line !== '') {
      lines.push(`${line},`);
      line = name;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
};

export const renderSiteWorkflow = (entry: Entry<Site>): string => {
  const site = entry.value;
  const name = site.metadata.name;
  const names = credentialNames(site);
  const credentials =
    names.length === 0
      ? '# Credentials: none named by the site.\n'
      : `# Credentials come from the runner's own environment (never from GitHub or this file):\n${wrapNames(
          names,
        )
          .map((l) => `#   ${l}\n`)
          .join('')}# \`lifeboat doctor --site ${name}\` on the runner checks them without printing them.\n`;
  const run = `- name: Run the due jobs
  shell: bash
  run: |
    mkdir -p "${OUT_DIR}/records"
    node cli/dist/main.js run --site ${name} --due --json \\
      --metrics-dir "${OUT_DIR}" --copy-records "${OUT_DIR}/records" \\
      | tee "${OUT_DIR}/run.jsonl"
`;
  return `${header(entry.document.file, `Ticks every 15 minutes; \`lifeboat run --due\` decides what is due at site ${name} (${site.spec.timezone}).`)}${credentials}name: site ${name}

on:
  schedule:
    - cron: "*/15 * * * *"
  workflow_dispatch:

permissions:
  contents: read

# One run per site at a time: a tick that finds a run going waits for it, and never cancels it.
concurrency:
  group: lifeboat-site-${name}
  cancel-in-progress: false

jobs:
  run:
    name: due jobs at ${name}
    # The site's runner labels, as an expression: actionlint knows only GitHub's own labels.
    runs-on: \${{ fromJSON('${JSON.stringify(runnerLabels(site.spec.runner.labels))}') }}
    timeout-minutes: 720
    steps:
${indent(SETUP_STEPS, 6)}
${indent(run, 6)}
${indent(uploadStep(`lifeboat-site-${name}-\${{ github.run_id }}`, 'Keep the run records and metrics'), 6)}
${indent(publishRecordsSteps(name), 6)}`;
};
