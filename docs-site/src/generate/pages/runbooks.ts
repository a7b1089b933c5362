import { expandRunbook, namesOf } from '../../remark/directives.js';
import { lintRunbook } from '../../runbooks/lint.js';
import { readRunbooks } from '../../runbooks/read-runbooks.js';
import type { DocsContext } from '../context.js';
import { category, frontMatter } from '../frontmatter.js';
import { PAGE } from '../paths.js';
import type { PageFile, PageOutput } from './page-file.js';

// The hand-written runbooks, linted and with their directives expanded, under runbooks/ in the docs tree.

export interface RunbookIndexEntry {
  path: string;
  title: string;
}

export const runbookPages = async (
  ctx: DocsContext,
  root: string,
): Promise<{ output: PageOutput; index: RunbookIndexEntry[] }> => {
  const { runbooks, problems } = await readRunbooks(root);
  const names = namesOf(ctx);
  const files: PageFile[] = [];
  const index: RunbookIndexEntry[] = [];
  for (const [i, r] of runbooks.entries()) {
    const path = PAGE.runbook(r.name);
    // The lint reports directive problems too; the expander's own reports of them would be duplicates.
    problems.push(...(await lintRunbook(r.text, r.file, names)));
    const expanded = await expandRunbook(r.text, { ctx, file: r.file, page: path });
    const title = expanded.title ?? r.name.replace(/\.md$/, '');
    index.push({ path, title });
    files.push({
      path,
      content: `${frontMatter({ title, position: i + 1, description: `Runbook: ${title}` })}${expanded.markdown}`,
    });
  }
  if (files.length > 0)
    files.push({
      path: 'runbooks/_category_.json',
      content: category('Runbooks', 50, 'Hand-written runbooks with data pulled from the inventory.'),
    });
  return { output: { files, problems }, index };
};
