// Types for bench-generate.mjs, so the TypeScript test that imports it is checked.
import type { Problem } from '@lifeboat/core';
import type { InventoryCounts } from '../validate/generate.mjs';

export declare const DOCS_COUNTS: InventoryCounts;
export declare const BENCH_NOW: Date;
export declare const median: (values: number[]) => number;
export declare const benchGenerate: (
  dir: string,
  options?: { counts?: InventoryCounts; runs?: number },
) => Promise<{
  root: string;
  counts: InventoryCounts & { files: number };
  docsDir: string;
  pages: number;
  problems: Problem[];
  seconds: number[];
  median: number;
}>;
