import { describe, expect, it } from 'vitest';
import { countProblems, summaryLine } from './summary.js';
import { problem, SAMPLE } from './testing/sample-problems.js';

describe('summary', () => {
  it('counts severities and the files they are in', () => {
    expect(countProblems(SAMPLE)).toEqual({ errors: 2, warnings: 1, notes: 0, filesWithProblems: 2 });
  });

  it('words the summary with plurals and the files checked', () => {
    expect(summaryLine(SAMPLE)).toBe('2 errors, 1 warning in 2 files');
    expect(summaryLine(SAMPLE, 14)).toBe('2 errors, 1 warning in 2 files (14 files checked)');
    expect(summaryLine([problem({ severity: 'note' })], 1)).toBe('1 note in 1 file (1 file checked)');
  });

  it('says so when there is nothing to report', () => {
    expect(summaryLine([], 14)).toBe('no problems in 14 files');
    expect(summaryLine([], 1)).toBe('no problems in 1 file');
    expect(summaryLine([])).toBe('no problems');
  });
});
