import type { Problem } from '@lifeboat/core';
import { type FrontMatter, page } from '../frontmatter.js';

// What a page generator returns: files relative to the docs root, plus anything it could not render.

export interface PageFile {
  path: string;
  content: string;
}

export interface PageOutput {
  files: PageFile[];
  problems?: Problem[];
}

/** The usual output: one page at `path`, its front matter and its blocks (empty ones dropped). */
export const onePage = (
  path: string,
  frontMatter: FrontMatter,
  blocks: readonly (string | undefined | false)[],
): PageOutput => ({ files: [{ path, content: page(frontMatter, blocks) }] });
