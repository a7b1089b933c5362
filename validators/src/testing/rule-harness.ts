import { hasErrors, type Problem } from '@lifeboat/core';
import { buildIndex, type Rule } from '../rules/rule.js';
import { buildInventory, type Files } from './inventory-builder.js';

// Runs one rule over test files and finds expected positions in the text independently of the loader.

/**
 * Problems one rule reports for `files`. Fails when the rule emits a code it does not declare, and
 * (unless `allowLoadErrors`) when the files do not even load and pass the schema: a rule test
 * must break exactly one thing.
 */
export const runRule = (rule: Rule, files: Files, options: { allowLoadErrors?: boolean } = {}): Problem[] => {
  const loaded = buildInventory(files);
  if (!options.allowLoadErrors && hasErrors(loaded.problems)) {
    const first = loaded.problems.find((p) => p.severity === 'error');
    throw new Error(
      `test files do not load cleanly: ${first?.file}:${first?.line} ${first?.code} ${first?.message}`,
    );
  }
  const problems = rule.check({ inventory: loaded.inventory, index: buildIndex(loaded.inventory) });
  for (const p of problems) {
    if (!(p.code in rule.codes))
      throw new Error(`rule ${rule.id} emitted ${p.code}, which its codes do not declare`);
  }
  return problems;
};

/**
 * `{file, line, col}` of `within` (default: the start) inside the one occurrence of `needle` in
 * `files[file]`, computed from the text alone so a wrong position in the loader cannot agree with it.
 */
export const at = (files: Files, file: string, needle: string, within?: string) => {
  const text = files[file];
  if (text === undefined) throw new Error(`no test file ${file}`);
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${JSON.stringify(needle)} not found in ${file}:\n${text}`);
  if (text.indexOf(needle, index + 1) >= 0)
    throw new Error(`${JSON.stringify(needle)} occurs twice in ${file}`);
  const inner = within === undefined ? 0 : needle.indexOf(within);
  if (inner < 0) throw new Error(`${JSON.stringify(within)} is not part of ${JSON.stringify(needle)}`);
  const offset = index + inner;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return { file, line, col };
};
