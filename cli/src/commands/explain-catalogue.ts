// The one catalogue of every code (core, validation, runners, the Slack bot, the docs build) and `explain` over it.
// Its own module so that only `explain` and `docs` load the bot and the docs site, when they run.
import { BOT_CATALOGUE } from '@lifeboat/bot';
import { type CatalogueEntry, quote } from '@lifeboat/core';
import { DOCS_CATALOGUE } from '@lifeboat/docs-site';
import { type Catalogue, codePrefix, fullCatalogue } from '@lifeboat/runners';
import { editDistance, catalogue as validationCatalogue } from '@lifeboat/validators';
import { EXIT } from '../exit.js';

export interface ExplainOptions {
  json?: boolean;
}

export interface ExplainOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Up to `limit` known codes nearest to `code`: within a few edits, or sharing its prefix or its last word
 * (`restic.lock` → `restic.locked`; `locked` → `restic.locked`), nearest first.
 */
export const nearestCodes = (code: string, codes: readonly string[], limit = 3): string[] => {
  const wanted = code.toLowerCase();
  // No code is this long; the quadratic distance would only burn time on pasted junk.
  if (wanted.length > 100) return [];
  const tail = wanted.slice(wanted.indexOf('.') + 1);
  const maxEdits = Math.max(2, Math.floor(wanted.length / 4));
  return codes
    .map((c) => {
      const edits = editDistance(wanted, c);
      const sameTail = c.slice(c.indexOf('.') + 1) === tail || c.endsWith(`.${wanted}`);
      const related =
        sameTail || c.includes(wanted) || (wanted.includes('.') && codePrefix(c) === codePrefix(wanted));
      return { c, edits, score: sameTail ? 0 : edits, close: edits <= maxEdits || related };
    })
    .filter((x) => x.close)
    .sort((a, b) => a.score - b.score || a.edits - b.edits || (a.c < b.c ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.c);
};

const groups = (cat: Catalogue): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const code of Object.keys(cat)) {
    const prefix = codePrefix(code);
    out.set(prefix, [...(out.get(prefix) ?? []), code]);
  }
  return out;
};

const listing = (cat: Catalogue, only?: string): string => {
  const lines: string[] = [];
  for (const [prefix, codes] of groups(cat)) {
    if (only !== undefined && prefix !== only) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`${prefix} (${codes.length})`);
    const width = Math.max(...codes.map((c) => c.length));
    for (const code of codes) lines.push(`  ${code.padEnd(width)}  ${cat[code]?.title ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
};

const describeEntry = (code: string, entry: CatalogueEntry): string =>
  `${code}: ${entry.title}\n\ncause: ${entry.cause}\nfix:   ${entry.fix}\n`;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every code any part of lifeboat emits: core, validation, runners, the Slack bot and the docs build. */
export const everyCode = (): Catalogue => fullCatalogue(validationCatalogue(), BOT_CATALOGUE, DOCS_CATALOGUE);

/** The whole command as a function of its input: tests call it, the action prints what it returns. */
export const explain = (
  code: string | undefined,
  options: ExplainOptions = {},
  cat: Catalogue = everyCode(),
): ExplainOutput => {
  const ok = (stdout: string): ExplainOutput => ({ exitCode: EXIT.ok, stdout, stderr: '' });
  if (code === undefined) {
    if (options.json) {
      return ok(json({ version: 1, groups: Object.fromEntries(groups(cat)), catalogue: cat }));
    }
    return ok(listing(cat));
  }
  const wanted = code.trim();
  const key = cat[wanted] !== undefined ? wanted : wanted.toLowerCase();
  const entry = cat[key];
  if (entry !== undefined) {
    return ok(options.json ? json({ version: 1, code: key, ...entry }) : describeEntry(key, entry));
  }
  const prefix = wanted.toLowerCase().replace(/\.\*?$/, '');
  const group = groups(cat).get(prefix);
  if (group !== undefined) {
    if (options.json) {
      return ok(json({ version: 1, catalogue: Object.fromEntries(group.map((c) => [c, cat[c]])) }));
    }
    return ok(listing(cat, prefix));
  }
  const nearest = nearestCodes(wanted, Object.keys(cat));
  const hint =
    nearest.length > 0 ? `; nearest: ${nearest.join(', ')}` : '; `lifeboat explain` lists every code';
  return {
    exitCode: EXIT.problems,
    stdout: options.json ? json({ version: 1, code: wanted, found: false, nearest }) : '',
    stderr: `lifeboat explain: unknown code ${quote(wanted, 80)}${hint}\n`,
  };
};
