import { compareProblems, type Problem, type Severity } from '@lifeboat/core';
import { createColors } from 'picocolors';
import { oneLine } from './one-line.js';
import { summaryLine } from './summary.js';

// The terminal format: one `file:line:col severity code message` line per problem, so editors can jump to it.

export interface HumanOptions {
  /** ANSI colours; the CLI turns them on for a TTY unless NO_COLOR is set. */
  color?: boolean;
  /** Files checked, for the summary line. */
  files?: number;
}

/** Shown for problems that belong to no file (a rule that failed). */
export const NO_FILE = '(inventory)';

export const formatHuman = (problems: readonly Problem[], options: HumanOptions = {}): string => {
  const c = createColors(options.color === true);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, note: c.blue };
  const lines: string[] = [];
  let current: string | undefined;
  for (const p of [...problems].sort(compareProblems)) {
    const file = p.file === '' ? NO_FILE : oneLine(p.file);
    if (file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(c.bold(c.underline(file)));
      current = file;
    }
    const where = `${file}:${p.line}:${p.col}`;
    lines.push(`  ${where} ${paint[p.severity](p.severity)} ${c.dim(oneLine(p.code))} ${oneLine(p.message)}`);
  }
  if (lines.length > 0) lines.push('');
  const summary = summaryLine(problems, options.files);
  const hasErrors = problems.some((p) => p.severity === 'error');
  lines.push(
    problems.length === 0 ? c.green(summary) : hasErrors ? c.red(c.bold(summary)) : c.yellow(summary),
  );
  return `${lines.join('\n')}\n`;
};
