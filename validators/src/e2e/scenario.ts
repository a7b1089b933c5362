// What a corpus scenario promises, and the one check every scenario goes through.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { type CliResult, runCli, STACK_FRAME, snapshotTree, unsafeCharacter } from './cli.js';

export interface ExpectedProblem {
  code: string;
  severity?: 'error' | 'warning' | 'note';
  /** Relative to the scenario root, forward slashes. */
  file: string;
  line: number;
  col: number;
  /** A part of the message that must be there (a suggestion, a name). */
  messageIncludes?: string;
}

export interface Expectation {
  description: string;
  problems: ExpectedProblem[];
  /** Exit code; 1 unless the scenario is a clean control. */
  exitCode?: number;
  /** A case a rule does not catch yet: the scenario stays, marked as failing, until the rule is fixed. */
  knownGap?: string;
  /** Text that must never reach the output in any form: secrets, or data behind a link. */
  neverPrinted?: string[];
}

interface JsonProblem extends ExpectedProblem {
  severity: 'error' | 'warning' | 'note';
  message: string;
  path: string;
}

export interface JsonReport {
  version: number;
  summary: { errors: number; warnings: number; notes: number; files: number };
  problems: JsonProblem[];
}

export const readExpectation = (dir: string): Expectation =>
  JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as Expectation;

const key = (p: ExpectedProblem) => `${p.code} ${p.severity ?? 'error'} ${p.file}:${p.line}:${p.col}`;

/**
 * Validate `root` with the built CLI (JSON format) and hold it to the expectation: the exit code,
 * exactly the expected problems at their positions, one-line messages, nothing on stderr, and the
 * scenario's files untouched.
 */
export const checkScenario = async (root: string, expected: Expectation): Promise<JsonReport> => {
  const before = snapshotTree(root);
  const result: CliResult = await runCli(['validate', '--root', root, '--format', 'json']);
  expect(result.stderr, 'stderr').not.toMatch(STACK_FRAME);
  expect(result.stderr, 'stderr').toBe('');
  // The JSON text itself carries no raw control, C1, line-separator or bidi character (all escaped).
  expect(unsafeCharacter(result.stdout)).toBeUndefined();
  const report = JSON.parse(result.stdout) as JsonReport;
  expect(report.version).toBe(1);
  for (const p of expected.problems) {
    expect(report.problems.map(key), `expected ${key(p)}`).toContain(key(p));
  }
  for (const p of expected.problems.filter((e) => e.messageIncludes !== undefined)) {
    const actual = report.problems.find((a) => key(a) === key(p));
    expect(actual?.message, key(p)).toContain(p.messageIncludes);
  }
  for (const secret of expected.neverPrinted ?? []) expect(result.stdout).not.toContain(secret);
  // Exactly these: a scenario breaks one thing, so anything more is a false positive or a cascade.
  expect(report.problems.map(key).sort()).toEqual(expected.problems.map(key).sort());
  for (const p of report.problems) {
    // One line each; untrusted text is quoted and cut short.
    expect(p.message).not.toMatch(/[\n\r]/);
    expect(p.message.length).toBeLessThan(1000);
  }
  expect(result.code, 'exit code').toBe(expected.exitCode ?? 1);
  expect(snapshotTree(root), 'files after the run').toEqual(before);
  return report;
};
