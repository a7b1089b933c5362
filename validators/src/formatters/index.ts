import type { CatalogueEntry, Problem } from '@lifeboat/core';
import { formatGithub } from './github.js';
import { formatHuman } from './human.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';

// One entry point from problems to text, so the CLI and the bot never pick a formatter by hand.

export * from './github.js';
export * from './human.js';
export * from './json.js';
export * from './one-line.js';
export * from './sarif.js';
export * from './summary.js';

export const FORMATS = ['human', 'github', 'json', 'sarif'] as const;
export type FormatName = (typeof FORMATS)[number];

export const isFormatName = (name: string): name is FormatName =>
  (FORMATS as readonly string[]).includes(name);

export interface FormatOptions {
  /** ANSI colours (human only). */
  color?: boolean;
  /** How many files were checked (summary lines and the JSON summary). */
  files?: number;
  /** Codes → title/cause/fix for SARIF rules; defaults to validators' catalogue. */
  catalogue?: Readonly<Record<string, CatalogueEntry>>;
}

export const formatProblems = (
  problems: readonly Problem[],
  format: FormatName,
  options: FormatOptions = {},
): string => {
  switch (format) {
    case 'human':
      return formatHuman(problems, options);
    case 'github':
      return formatGithub(problems, options);
    case 'json':
      return formatJson(problems, options);
    case 'sarif':
      return formatSarif(problems, options);
  }
};
