import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli, unsafeCharacter } from './cli.js';
import { GENERATED } from './generated.js';
import type { JsonReport } from './scenario.js';

// Hostile text must not leak into a terminal or a CI log: every format keeps one line per problem
// and no raw control character, whatever the file names and messages hold.

// Five CLI processes at once took up to 12 s each on a loaded 2-core machine: the runs' own 60 s bound
// (runCli) is the limit, not the 30 s default, so a slow run is not mistaken for a failed one.
const CONCURRENT_CLI = { timeout: 60_000 };

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PROBLEM_LINE = /^ {2}\S.*:\d+:\d+ (error|warning|note) [a-z0-9.-]+ /;

const roots: Record<string, string> = {};
const temps: string[] = [];

beforeAll(() => {
  requireBuiltCli();
  for (const name of [
    'hostile-strings',
    'yaml-proto-keys',
    'schema-wrong-types',
    'forget-unscoped-shared-repo',
  ]) {
    roots[name] = path.join(FIXTURES, name);
  }
  for (const name of ['hostile-file-name', 'many-problems', 'crlf-line-endings']) {
    const scenario = GENERATED.find((s) => s.name === name);
    if (!scenario) throw new Error(`no generated scenario ${name}`);
    const root = mkdtempSync(path.join(tmpdir(), `lifeboat-out-${name}-`));
    const outside = mkdtempSync(path.join(tmpdir(), 'lifeboat-outside-'));
    temps.push(root, outside);
    scenario.build(root, outside);
    roots[name] = root;
  }
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const counts: Record<string, number> = {};
/** How many problems the JSON format reports for a scenario: the other formats must show each once. */
const problemCount = async (name: string): Promise<number> => {
  if (counts[name] === undefined) {
    const { stdout } = await runCli(['validate', '--root', roots[name] as string, '--format', 'json']);
    counts[name] = (JSON.parse(stdout) as JsonReport).problems.length;
  }
  return counts[name];
};

const SCENARIOS = [
  'hostile-strings',
  'hostile-file-name',
  'yaml-proto-keys',
  'schema-wrong-types',
  'forget-unscoped-shared-repo',
  'many-problems',
  'crlf-line-endings',
];

describe.concurrent('human format', CONCURRENT_CLI, () => {
  it.each(SCENARIOS)('%s: one line per problem under file headings, then the summary', async (name) => {
    const root = roots[name] as string;
    const expected = await problemCount(name);
    const { code, stdout, stderr } = await runCli(['validate', '--root', root]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(unsafeCharacter(stdout)).toBeUndefined();
    const lines = stdout.trimEnd().split('\n');
    expect(lines.filter((l) => PROBLEM_LINE.test(l))).toHaveLength(expected);
    // Every line is a heading, a problem, a blank between groups, or the summary.
    for (const line of lines.slice(0, -1)) {
      expect(line === '' || PROBLEM_LINE.test(line) || !line.startsWith(' '), line).toBe(true);
    }
    expect(lines.at(-1)).toMatch(/^\d+ errors?(, \d+ warnings?)? in \d+ files? \(\d+ files? checked\)$/);
  });
});

describe.concurrent('github format', CONCURRENT_CLI, () => {
  it.each(
    SCENARIOS,
  )('%s: one workflow command per problem, nothing that could start another', async (name) => {
    const root = roots[name] as string;
    const expected = await problemCount(name);
    const { code, stdout } = await runCli(['validate', '--root', root, '--format', 'github']);
    expect(code).toBe(1);
    expect(unsafeCharacter(stdout)).toBeUndefined();
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(expected + 1);
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatch(/^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=[a-z0-9.-]+::/);
    }
  });
});

describe.concurrent('sarif format', CONCURRENT_CLI, () => {
  it.each(SCENARIOS)('%s: one result per problem, every rule index valid', async (name) => {
    const root = roots[name] as string;
    const expected = await problemCount(name);
    const { code, stdout } = await runCli(['validate', '--root', root, '--format', 'sarif']);
    expect(code).toBe(1);
    expect(unsafeCharacter(stdout)).toBeUndefined();
    const run = JSON.parse(stdout).runs[0];
    expect(run.results).toHaveLength(expected);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });
});
