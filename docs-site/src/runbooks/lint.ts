import type { Inventory, Problem, Severity } from '@lifeboat/core';
import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkLint from 'remark-lint';
import remarkParse from 'remark-parse';
import { type PluggableList, unified } from 'unified';
import { lintRule } from 'unified-lint-rule';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { checkDirective, type InventoryNames, isDirective } from '../remark/directive-spec.js';
import { readRunbooks } from './read-runbooks.js';
import { REQUIRED_SECTIONS, sectionsOf, titlesOf } from './sections.js';

// The runbook lint: a remark-lint rule set (one rule per problem code) for the required title and
// sections and for directives that would dangle. Runs in `lifeboat validate` and before generation.

const SOURCE = 'runbook';
type Place = { line: number; column: number } | undefined;
const at = (node: { position?: { start: { line: number; column: number } } }): Place => node.position?.start;

const missingTitle = lintRule(`${SOURCE}:missing-title`, (tree: Root, file) => {
  const title = titlesOf(tree)[0];
  const firstSection = sectionsOf(tree)[0];
  if (title === undefined) file.message('runbook has no `# Title` heading', { line: 1, column: 1 });
  else if (
    firstSection &&
    (title.position?.start.offset ?? 0) > (firstSection.node.position?.start.offset ?? 0)
  )
    file.message('the `# Title` heading must come before the first `##` section', at(title));
});

const multipleTitles = lintRule(`${SOURCE}:multiple-titles`, (tree: Root, file) => {
  for (const extra of titlesOf(tree).slice(1))
    file.message('runbook has more than one `#` heading; keep one title', at(extra));
});

const missingSection = lintRule(`${SOURCE}:missing-section`, (tree: Root, file) => {
  const present = new Set(sectionsOf(tree).map((s) => s.name));
  const end = tree.position?.end;
  for (const name of REQUIRED_SECTIONS)
    if (!present.has(name))
      file.message(
        `required section "## ${name}" is missing`,
        end ? { line: end.line, column: end.column } : undefined,
      );
});

const sectionOrder = lintRule(`${SOURCE}:section-order`, (tree: Root, file) => {
  const seen = sectionsOf(tree).filter((s) => s.name !== undefined);
  let last = -1;
  for (const s of seen) {
    const rank = REQUIRED_SECTIONS.indexOf(s.name as (typeof REQUIRED_SECTIONS)[number]);
    if (rank < last)
      file.message(
        `section "## ${s.name}" comes after "## ${REQUIRED_SECTIONS[last]}"; the order is ${REQUIRED_SECTIONS.join(', ')}`,
        at(s.node),
      );
    last = Math.max(last, rank);
  }
});

const duplicateSection = lintRule(`${SOURCE}:duplicate-section`, (tree: Root, file) => {
  const seen = new Set<string>();
  for (const s of sectionsOf(tree)) {
    if (s.name === undefined) continue;
    if (seen.has(s.name)) file.message(`section "## ${s.name}" appears twice`, at(s.node));
    seen.add(s.name);
  }
});

const emptySection = lintRule(`${SOURCE}:empty-section`, (tree: Root, file) => {
  for (const s of sectionsOf(tree))
    if (s.name !== undefined && !s.hasContent) file.message(`section "## ${s.name}" is empty`, at(s.node));
});

// Raw HTML in a runbook would reach every reader's browser unreviewed by any generator; comments are fine.
const rawHtml = lintRule(`${SOURCE}:raw-html`, (tree: Root, file) => {
  visit(tree, 'html', (node) => {
    if (!/^<!--[\s\S]*-->$/.test(node.value.trim()))
      file.message('raw HTML is not allowed in runbooks; write Markdown (or an admonition)', at(node));
  });
});

/** One rule per directive code, each reporting only its own code, so every message maps to one code. */
const directiveRule = (code: string) =>
  lintRule(`${SOURCE}:${code}`, (tree: Root, file, names: InventoryNames) => {
    visit(tree, (node) => {
      if (!isDirective(node)) return;
      const issue = checkDirective(node, names);
      if (issue && issue.code === `${SOURCE}.${code}`) file.message(issue.message, at(node));
    });
  });

const DIRECTIVE_CODES = [
  'unknown-directive',
  'directive-attribute',
  'unknown-site',
  'unknown-policy',
  'unknown-image',
];

export const RUNBOOK_RULES = [
  missingTitle,
  multipleTitles,
  missingSection,
  sectionOrder,
  duplicateSection,
  emptySection,
  rawHtml,
];

/** Lints one runbook's text; `file` (relative to the inventory root) is what problems name. */
export const lintRunbook = async (text: string, file: string, names: InventoryNames): Promise<Problem[]> => {
  const processor = unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkDirective)
    .use(remarkLint)
    .use(RUNBOOK_RULES)
    .use(DIRECTIVE_CODES.map((code) => [directiveRule(code), names] as const) as unknown as PluggableList);
  const vfile = new VFile({ path: file, value: text });
  await processor.run(processor.parse(vfile), vfile);
  const severity: Severity = 'error';
  return vfile.messages.map((m) => ({
    code: `${m.source ?? SOURCE}.${m.ruleId ?? 'unknown'}`,
    severity,
    message: m.reason,
    file,
    line: m.line ?? 1,
    col: m.column ?? 1,
    path: '',
  }));
};

/** Every runbook under `<root>/runbooks`, linted against the inventory's names. */
export const lintRunbooks = async (root: string, names: InventoryNames): Promise<Problem[]> => {
  const { runbooks, problems } = await readRunbooks(root);
  for (const r of runbooks) problems.push(...(await lintRunbook(r.text, r.file, names)));
  return problems;
};

/** The names directives may refer to, from a loaded inventory. */
export const inventoryNames = (inventory: Inventory): InventoryNames => ({
  sites: new Set(inventory.sites.map((e) => e.value.metadata.name)),
  policies: new Set(inventory.policies.map((e) => e.value.metadata.name)),
  images: new Set(inventory.images.map((e) => e.value.metadata.name)),
});
