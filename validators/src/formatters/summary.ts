import type { Problem } from '@lifeboat/core';

// One wording for "how bad is it" across formats, so the terminal and the JSON agree.

export interface ProblemCounts {
  errors: number;
  warnings: number;
  notes: number;
  /** Distinct files with at least one problem. */
  filesWithProblems: number;
}

export const countProblems = (problems: readonly Problem[]): ProblemCounts => ({
  errors: problems.filter((p) => p.severity === 'error').length,
  warnings: problems.filter((p) => p.severity === 'warning').length,
  notes: problems.filter((p) => p.severity === 'note').length,
  filesWithProblems: new Set(problems.map((p) => p.file)).size,
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2 errors, 1 warning in 2 files` or `no problems in 14 files` (`files` = files checked). */
export const summaryLine = (problems: readonly Problem[], files?: number): string => {
  const counts = countProblems(problems);
  if (problems.length === 0)
    return files === undefined ? 'no problems' : `no problems in ${plural(files, 'file')}`;
  const parts = [
    counts.errors ? plural(counts.errors, 'error') : '',
    counts.warnings ? plural(counts.warnings, 'warning') : '',
    counts.notes ? plural(counts.notes, 'note') : '',
  ].filter(Boolean);
  const checked = files === undefined ? '' : ` (${plural(files, 'file')} checked)`;
  return `${parts.join(', ')} in ${plural(counts.filesWithProblems, 'file')}${checked}`;
};
