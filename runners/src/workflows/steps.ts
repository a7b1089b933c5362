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

/** Upload what the run left in OUT_DIR, whatever the run's outcome. */
export const uploadStep = (name: string, what: string): string => `- name: Keep ${what}
  if: always()
  uses: actions/upload-artifact@v4
  with:
    name: ${name}
    path: \${{ runner.temp }}/lifeboat/
    if-no-files-found: ignore
    retention-days: 90
`;

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
