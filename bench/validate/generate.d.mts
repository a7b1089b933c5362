// Types for generate.mjs, so the TypeScript test that imports it is checked.
import type { DATA_CLASSES } from '@lifeboat/core';

export interface InventoryCounts {
  sites: number;
  policies: number;
  images: number;
}

export declare const DEFAULT_COUNTS: InventoryCounts;

export declare const generateInventory: (
  dir: string,
  options: { dataClasses: typeof DATA_CLASSES; counts?: InventoryCounts; seed?: number },
) => Promise<InventoryCounts & { files: number }>;
