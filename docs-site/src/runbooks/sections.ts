import type { Heading, Root } from 'mdast';
import { toString as textOf } from 'mdast-util-to-string';

// The structure every runbook has: one `#` title, then these `##` sections in this order.

export const REQUIRED_SECTIONS = ['Purpose', 'Preconditions', 'Steps', 'Verification', 'Rollback'] as const;

export interface SectionHeading {
  node: Heading;
  /** Which required section it is (case-insensitive match), if any. */
  name?: (typeof REQUIRED_SECTIONS)[number];
  /** Whether anything but headings follows it before the next heading of depth ≤ 2. */
  hasContent: boolean;
}

export const titlesOf = (tree: Root): Heading[] =>
  tree.children.filter((n): n is Heading => n.type === 'heading' && n.depth === 1);

export const sectionsOf = (tree: Root): SectionHeading[] => {
  const out: SectionHeading[] = [];
  const children = tree.children;
  children.forEach((node, i) => {
    if (node.type !== 'heading' || node.depth !== 2) return;
    const label = textOf(node).trim().toLowerCase();
    const name = REQUIRED_SECTIONS.find((s) => s.toLowerCase() === label);
    let hasContent = false;
    for (const next of children.slice(i + 1)) {
      if (next.type === 'heading' && next.depth <= 2) break;
      if (next.type !== 'heading') hasContent = true;
    }
    out.push({ node, ...(name ? { name } : {}), hasContent });
  });
  return out;
};
