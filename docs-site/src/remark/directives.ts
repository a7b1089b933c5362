import type { Problem } from '@lifeboat/core';
import type { Root, RootContent } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { DocsContext } from '../generate/context.js';
import { checkDirective, type InventoryNames, isDirective } from './directive-spec.js';
import { renderDirective } from './render-directive.js';

// The remark plugin that expands runbook directives at generation time into plain Markdown, and reports
// each one it cannot expand as a Problem at the directive's file:line:col.

export interface DirectivesOptions {
  ctx: DocsContext;
  /** The runbook's path relative to the inventory root, for problems. */
  file: string;
  /** The page's path in the docs tree, for relative links. */
  page: string;
  /** Problems are pushed here. */
  problems: Problem[];
}

export const namesOf = (ctx: Pick<DocsContext, 'sites' | 'policies' | 'images'>): InventoryNames => ({
  sites: new Set(ctx.sites.map((s) => s.metadata.name)),
  policies: new Set(ctx.policies.map((p) => p.metadata.name)),
  images: new Set(ctx.images.map((i) => i.metadata.name)),
});

/** remark plugin: replaces every known directive with its Markdown; front matter is dropped (the generator writes its own). */
export const remarkLifeboatDirectives = (options: DirectivesOptions) => {
  const names = namesOf(options.ctx);
  return (tree: Root): void => {
    tree.children = tree.children.filter((n) => n.type !== 'yaml');
    visit(tree, (node, index, parent) => {
      if (!isDirective(node) || parent === undefined || index === undefined) return undefined;
      const issue = checkDirective(node, names);
      if (issue) {
        options.problems.push({
          code: issue.code,
          severity: 'error',
          message: issue.message,
          file: options.file,
          line: node.position?.start.line ?? 1,
          col: node.position?.start.column ?? 1,
          path: '',
        });
        return SKIP;
      }
      const replacement = renderDirective(node, options.ctx, options.page);
      if (replacement === undefined) return undefined; // an admonition: its children may hold directives
      (parent.children as RootContent[]).splice(index, 1, replacement as RootContent);
      return [SKIP, index + 1];
    });
  };
};

export interface ExpandedRunbook {
  markdown: string;
  /** The first level-1 heading's text, if any. */
  title?: string;
  problems: Problem[];
}

/** Parses a runbook, expands its directives and prints it back as Markdown. */
export const expandRunbook = async (
  source: string,
  options: Omit<DirectivesOptions, 'problems'>,
): Promise<ExpandedRunbook> => {
  const problems: Problem[] = [];
  let title: string | undefined;
  const processor = unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkDirective)
    .use(() => (tree: Root) => {
      const h1 = tree.children.find((n) => n.type === 'heading' && n.depth === 1);
      if (h1 && h1.type === 'heading') {
        title = h1.children
          .map((c) => ('value' in c ? c.value : ''))
          .join('')
          .trim();
      }
    })
    .use(remarkLifeboatDirectives, { ...options, problems })
    .use(remarkStringify, { bullet: '-', fences: true, listItemIndent: 'one', rule: '-', emphasis: '_' });
  const markdown = String(await processor.process(source));
  return { markdown, ...(title ? { title } : {}), problems };
};
