import type { Entry, Site } from '@lifeboat/core';
import { OUT_DIR, runnerLabels, SETUP_STEPS, uploadStep } from './steps.js';
import { header, indent, scalar } from './yaml-text.js';

// restore.yml and drill.yml: dispatched by the Slack bot (or by hand) with a request id, run on the chosen
// site's runner. The run's name carries the request id, so the bot finds its run when the dispatch API
// does not return one. Inputs reach the command through `env:` only, never spliced into the script.

export const RESTORE_WORKFLOW = '.github/workflows/restore.yml';
export const DRILL_WORKFLOW = '.github/workflows/drill.yml';

interface Input {
  name: string;
  description: string;
  type: 'string' | 'choice';
  required: boolean;
  default?: string;
  options?: readonly string[];
}

const renderInput = (input: Input): string => {
  const lines = [
    `${input.name}:`,
    `  description: ${scalar(input.description)}`,
    `  type: ${input.type}`,
    `  required: ${input.required}`,
  ];
  if (input.default !== undefined) lines.push(`  default: ${scalar(input.default)}`);
  if (input.options) lines.push('  options:', ...input.options.map((o) => `    - ${scalar(o)}`));
  return `${lines.join('\n')}\n`;
};

/** `runs-on` from the chosen site: a lookup table of every site's labels, indexed by the input. */
const runsOnBySite = (sites: readonly Entry<Site>[]): string => {
  const table: Record<string, string[]> = {};
  for (const s of sites) table[s.value.metadata.name] = runnerLabels(s.value.spec.runner.labels);
  return `\${{ fromJSON('${JSON.stringify(table)}')[inputs.site] }}`;
};

const siteInput = (sites: readonly Entry<Site>[], what: string): Input => ({
  name: 'site',
  description: `Site whose runner ${what}`,
  type: 'choice',
  required: true,
  options: sites.map((s) => s.value.metadata.name),
});

const subjectInputs = (what: string): Input[] => [
  {
    name: 'policy',
    description: `Backup policy to ${what} (or give image)`,
    type: 'string',
    required: false,
    default: '',
  },
  {
    name: 'image',
    description: `Image to ${what} (or give policy); restored into the runner's sandbox`,
    type: 'string',
    required: false,
    default: '',
  },
];

const requestInputs: Input[] = [
  {
    name: 'request_id',
    description: 'Request id (the bot finds this run by it)',
    type: 'string',
    required: true,
  },
  {
    name: 'requester',
    description: 'Slack user id of who asked',
    type: 'string',
    required: false,
    default: '',
  },
];

// Where the runner reports: the request's Slack thread and the bot's ONE status message, updated by
// `lifeboat run` with SLACK_BOT_TOKEN from the runner's own environment (never a GitHub secret).
const slackInputs: Input[] = [
  {
    name: 'slack_channel',
    description: 'Slack channel id of the request (empty: no Slack updates)',
    type: 'string',
    required: false,
    default: '',
  },
  {
    name: 'slack_thread',
    description: 'Slack thread ts of the request',
    type: 'string',
    required: false,
    default: '',
  },
  {
    name: 'slack_message',
    description: "Slack ts of the bot's status message to update",
    type: 'string',
    required: false,
    default: '',
  },
];

const slackFlags = [
  { flag: '--slack-channel', variable: 'SLACK_CHANNEL', input: 'slack_channel' },
  { flag: '--slack-thread', variable: 'SLACK_THREAD', input: 'slack_thread' },
  { flag: '--slack-message', variable: 'SLACK_MESSAGE', input: 'slack_message' },
];

interface DispatchSpec {
  name: 'restore' | 'drill';
  why: string;
  inputs: Input[];
  /** Flags after `run --site "$SITE" --job <name>`, each `--flag="$VAR"`, with the VAR's input. */
  flags: Array<{ flag: string; variable: string; input: string }>;
  timeoutMinutes: number;
}

const renderDispatch = (sites: readonly Entry<Site>[], spec: DispatchSpec): string => {
  const env = [
    `SITE: \${{ inputs.site }}`,
    ...spec.flags.map((f) => `${f.variable}: \${{ inputs.${f.input} }}`),
  ];
  const flags = spec.flags.map((f) => `${f.flag}="$${f.variable}"`);
  // Three flags a line keeps the command readable and under the line width.
  const lines: string[] = [];
  for (let i = 0; i < flags.length; i += 3) lines.push(flags.slice(i, i + 3).join(' '));
  const step = `- name: ${spec.name === 'restore' ? 'Restore' : 'Drill'}
  shell: bash
  env:
${env.map((e) => `    ${e}`).join('\n')}
  run: |
    mkdir -p "${OUT_DIR}/records"
    node cli/dist/main.js run --site="$SITE" --job ${spec.name} \\
${lines.map((l) => `      ${l} \\`).join('\n')}
      --json --copy-records "${OUT_DIR}/records" \\
      | tee "${OUT_DIR}/run.jsonl"
`;
  return `${header('sites/', spec.why)}name: ${spec.name}
run-name: "${spec.name} \${{ inputs.policy }}\${{ inputs.image }} at \${{ inputs.site }} [\${{ inputs.request_id }}]"

on:
  workflow_dispatch:
    inputs:
${indent(spec.inputs.map(renderInput).join(''), 6)}
permissions:
  contents: read

# One run per request: a repeated dispatch of the same request waits for the first instead of racing it.
concurrency:
  group: lifeboat-${spec.name}-\${{ inputs.request_id }}
  cancel-in-progress: false

jobs:
  ${spec.name}:
    name: ${spec.name} at \${{ inputs.site }}
    runs-on: ${runsOnBySite(sites)}
    timeout-minutes: ${spec.timeoutMinutes}
    steps:
${indent(SETUP_STEPS, 6)}
${indent(step, 6)}
${indent(uploadStep(`lifeboat-${spec.name}-\${{ inputs.request_id }}`, 'Keep the run record'), 6)}`;
};

export const renderRestoreWorkflow = (sites: readonly Entry<Site>[]): string =>
  renderDispatch(sites, {
    name: 'restore',
    why: "Restores on request, on the chosen site's runner: alternate target by default, in place only where the policy allows.",
    inputs: [
      siteInput(sites, 'restores'),
      ...subjectInputs('restore from'),
      {
        name: 'snapshot',
        description: 'Snapshot id, or latest',
        type: 'string',
        required: true,
        default: 'latest',
      },
      {
        name: 'paths',
        description: 'Paths inside the snapshot, one per line (empty restores everything)',
        type: 'string',
        required: false,
        default: '',
      },
      {
        name: 'target',
        description: 'Where to restore',
        type: 'choice',
        required: true,
        default: 'alternate',
        options: ['alternate', 'in-place'],
      },
      ...requestInputs,
      {
        name: 'approver',
        description: 'Slack user id of the approver, where the policy requires one',
        type: 'string',
        required: false,
        default: '',
      },
      ...slackInputs,
    ],
    flags: [
      { flag: '--policy', variable: 'POLICY', input: 'policy' },
      { flag: '--image', variable: 'IMAGE', input: 'image' },
      { flag: '--snapshot', variable: 'SNAPSHOT', input: 'snapshot' },
      { flag: '--paths', variable: 'PATHS', input: 'paths' },
      { flag: '--target', variable: 'TARGET', input: 'target' },
      { flag: '--request-id', variable: 'REQUEST_ID', input: 'request_id' },
      { flag: '--requester', variable: 'REQUESTER', input: 'requester' },
      { flag: '--approver', variable: 'APPROVER', input: 'approver' },
      ...slackFlags,
    ],
    timeoutMinutes: 720,
  });

export const renderDrillWorkflow = (sites: readonly Entry<Site>[]): string =>
  renderDispatch(sites, {
    name: 'drill',
    why: "Restore drills on request, on the chosen site's runner: restore into the sandbox, verify, measure the RTO.",
    inputs: [siteInput(sites, 'runs the drill'), ...subjectInputs('drill'), ...requestInputs, ...slackInputs],
    flags: [
      { flag: '--policy', variable: 'POLICY', input: 'policy' },
      { flag: '--image', variable: 'IMAGE', input: 'image' },
      { flag: '--request-id', variable: 'REQUEST_ID', input: 'request_id' },
      { flag: '--requester', variable: 'REQUESTER', input: 'requester' },
      ...slackFlags,
    ],
    timeoutMinutes: 720,
  });
