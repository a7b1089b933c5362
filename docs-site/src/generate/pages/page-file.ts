import type { Problem } from '@lifeboat/core';

// What a page generator returns: files relative to the docs root, plus anything it could not render.

export interface PageFile {
  path: string;
  content: string;
}

export interface PageOutput {
  files: PageFile[];
  problems?: Problem[];
}
