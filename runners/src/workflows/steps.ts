// Steps every generated workflow starts with: the repository at the dispatched commit, Node 20, the CLI built.

/** The setup steps; `fullHistory` fetches every branch, so a plan can read the base ref (`origin/<base>`). */
export const setupSteps = (fullHistory = false): string => `${
  fullHistory
    ? `- name: Check out (full history, so the base branch is there to compare with)
  uses: actions/checkout@v4
  with:
    fetch-depth: 0
`
    : `- name: Check out
  uses: actions/checkout@v4
  with:
`
}    persist-credentials: false

- name: Set up Node 20
  uses: actions/setup-node@v4
  with:
    node-version: 20
    cache: npm

- name: Install
  run: npm ci

- name: Build
  run: npm run build
`;

export const SETUP_STEPS = setupSteps();

/** Where a job keeps what it uploads: JSON lines, copied run records, metrics. */
export const OUT_DIR = '$RUNNER_TEMP/lifeboat';

/** Upload what the run left (default: all of OUT_DIR, kept 90 days), whatever the run's outcome. */
export const uploadStep = (
  name: string,
  title: string,
  o: { path?: string; retentionDays?: number } = {},
): string => `- name: ${title}
  if: always()
  uses: actions/upload-artifact@v4
  with:
    name: ${name}
    path: ${o.path ?? `\${{ runner.temp }}/lifeboat/`}
    if-no-files-found: ignore
    retention-days: ${o.retentionDays ?? 90}
`;

/** The fixed artifact name a site's recent run records go under; the bot and the docs workflow fetch the newest. */
export const recordsArtifactName = (site: string): string => `lifeboat-records-${site}`;

/** Where the records file is written before upload (outside OUT_DIR: a separate, small artifact). */
export const RECORDS_DIR = '$RUNNER_TEMP/lifeboat-records';

/**
 * Publish the site's last 8 days of run records under a fixed name, whatever the run's outcome: the ledger
 * lives on this runner only, and the bot and the runbook site read it from GitHub. Written to a temp name
 * and renamed, so a failed listing uploads nothing rather than half a file.
 */
export const publishRecordsSteps = (
  site: string,
): string => `# The ledger lives on this runner only: publish recent records for the bot and the runbook site.
- name: Write the recent run records
  if: always()
  shell: bash
  run: |
    mkdir -p "${RECORDS_DIR}"
    node cli/dist/main.js runs --site ${site} --since 8d --format json > "${RECORDS_DIR}/records.json.tmp"
    mv "${RECORDS_DIR}/records.json.tmp" "${RECORDS_DIR}/records.json"

${uploadStep(recordsArtifactName(site), 'Publish the recent run records', {
  path: `\${{ runner.temp }}/lifeboat-records/records.json`,
  retentionDays: 8,
})}`;

/** The runner's labels: always self-hosted, then the site's own, in its order, without repeats. */
export const runnerLabels = (labels: readonly string[]): string[] => [
  'self-hosted',
  ...labels.filter((l, i) => l !== 'self-hosted' && labels.indexOf(l) === i),
];

/** `runs-on` for a job that picks its site by an expression (`matrix.site`, …): every site's labels, indexed by it. */
export const runsOnBySite = (labelsBySite: ReadonlyMap<string, readonly string[]>, key: string): string => {
  const table: Record<string, string[]> = {};
  for (const [site, labels] of labelsBySite) table[site] = runnerLabels(labels);
  return `\${{ fromJSON('${JSON.stringify(table)}')[${key}] }}`;
};
