import { compareProblems, type Problem, type Severity } from '@lifeboat/core';
import { oneLine } from './one-line.js';
import { summaryLine } from './summary.js';

// GitHub Actions workflow commands: each problem becomes an annotation on the pull request's diff.

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** Escaping GitHub applies to a command's message (see @actions/core `escapeData`). */
export const escapeData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Escaping for `key=value` properties, where `:` and `,` are separators too. */
export const escapeProperty = (text: string): string =>
  escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Newlines stay for GitHub's own %0A escape; every other control character is made visible. */
const clean = (text: string) => oneLine(text, ['\n', '\r']);

export const formatGithub = (problems: readonly Problem[], options: { files?: number } = {}): string => {
  const lines = [...problems].sort(compareProblems).map((p) => {
    const props = [
      ...(p.file === '' ? [] : [`file=${escapeProperty(clean(p.file))}`, `line=${p.line}`, `col=${p.col}`]),
      `title=${escapeProperty(clean(p.code))}`,
    ];
    return `::${COMMAND[p.severity]} ${props.join(',')}::${escapeData(clean(p.message))}`;
  });
  lines.push(summaryLine(problems, options.files));
  return `${lines.join('\n')}\n`;
};
