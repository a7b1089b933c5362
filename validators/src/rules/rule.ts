import type { BackupPolicy, CatalogueEntry, Entry, Image, Inventory, Problem, Site } from '@lifeboat/core';

// The contract every semantic rule implements: pure function of the inventory, problems as data.

/** Lookups every rule needs; built once per run so rules stay O(n). First object of a name wins. */
export interface InventoryIndex {
  sites: Map<string, Entry<Site>>;
  policies: Map<string, Entry<BackupPolicy>>;
  images: Map<string, Entry<Image>>;
}

export interface RuleContext {
  inventory: Inventory;
  index: InventoryIndex;
}

export interface Rule {
  /** kebab-case id, same as the file name. */
  id: string;
  description: string;
  /** Every code the rule can emit, with cause and fix (feeds the catalogue, SARIF and the docs). */
  codes: Record<string, CatalogueEntry>;
  check(context: RuleContext): Problem[];
}

export const buildIndex = (inventory: Inventory): InventoryIndex => {
  const byName = <T extends { metadata: { name: string } }>(entries: Entry<T>[]) => {
    const map = new Map<string, Entry<T>>();
    for (const e of entries) if (!map.has(e.value.metadata.name)) map.set(e.value.metadata.name, e);
    return map;
  };
  return {
    sites: byName(inventory.sites),
    policies: byName(inventory.policies),
    images: byName(inventory.images),
  };
};
