import type { CatalogueEntry } from '@lifeboat/core';

// One merge for every catalogue union: a code defined twice with different text is a bug, not a silent override.

export type Catalogue = Readonly<Record<string, CatalogueEntry>>;

/** The union of `parts`, keys sorted; throws when two parts explain one code differently. */
export const mergeCatalogues = (parts: readonly Catalogue[]): Catalogue => {
  const merged = new Map<string, CatalogueEntry>();
  for (const part of parts) {
    for (const [code, entry] of Object.entries(part)) {
      const seen = merged.get(code);
      if (
        seen !== undefined &&
        (seen.title !== entry.title || seen.cause !== entry.cause || seen.fix !== entry.fix)
      ) {
        throw new Error(`catalogue code ${code} is defined twice with different text`);
      }
      merged.set(code, entry);
    }
  }
  return Object.freeze(Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
};
