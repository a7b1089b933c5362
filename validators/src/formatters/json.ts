import { compareProblems, type Problem } from '@lifeboat/core';
import { escapeJsonText } from './one-line.js';
import { countProblems } from './summary.js';

// A stable machine format for scripts and the plan comment; bump `version` on any breaking change.

export const JSON_FORMAT_VERSION = 1;

export interface JsonReport {
  version: typeof JSON_FORMAT_VERSION;
  summary: { errors: number; warnings: number; notes: number; files: number };
  problems: Problem[];
}

export const toJsonReport = (problems: readonly Problem[], options: { files?: number } = {}): JsonReport => {
  const counts = countProblems(problems);
  return {
    version: JSON_FORMAT_VERSION,
    summary: {
      errors: counts.errors,
      warnings: counts.warnings,
      notes: counts.notes,
      files: options.files ?? counts.filesWithProblems,
    },
    problems: [...problems]
      .sort(compareProblems)
      .map(({ code, severity, message, file, line, col, path }) => ({
        code,
        severity,
        message,
        file,
        line,
        col,
        path,
      })),
  };
};

/** Hostile text stays inside its string, escaped: no raw control character reaches a terminal. */
export const formatJson = (problems: readonly Problem[], options: { files?: number } = {}): string =>
  `${escapeJsonText(JSON.stringify(toJsonReport(problems, options), null, 2))}\n`;
