import type { BackupPolicy, CatalogueEntry, Image, Inventory, RunRecord, Site } from '@lifeboat/core';
import type { Report, ReportRow } from '@lifeboat/runners';

// What every page generator reads: the inventory sorted by name, the report and records as of `now`.

export interface DocsContext {
  sites: readonly Site[];
  policies: readonly BackupPolicy[];
  images: readonly Image[];
  /** Inventory file of each object, by `<kind>/<name>`, for "source" links. */
  sourceFiles: ReadonlyMap<string, string>;
  inventory: Inventory;
  now: Date;
  report: Report;
  /** Run records up to `now`, oldest first. */
  records: readonly RunRecord[];
  catalogue: Readonly<Record<string, CatalogueEntry>>;
}

const byName = <T extends { metadata: { name: string } }>(a: T, b: T) =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;

export const sortedValues = <T extends { metadata: { name: string } }>(
  entries: readonly { value: T }[],
): T[] => {
  // Two files with one name are validate's problem; the docs keep the first so pages stay unique.
  const seen = new Set<string>();
  return entries
    .map((e) => e.value)
    .sort(byName)
    .filter((v) => !seen.has(v.metadata.name) && seen.add(v.metadata.name) !== undefined);
};

export const siteOf = (ctx: DocsContext, name: string): Site | undefined =>
  ctx.sites.find((s) => s.metadata.name === name);
export const policiesOf = (ctx: DocsContext, site: string): BackupPolicy[] =>
  ctx.policies.filter((p) => p.spec.site === site);
/** Images whose primary store, a replica or an offsite copy is at `site`, or that belong to it. */
export const imagesAt = (ctx: DocsContext, site: string): Image[] =>
  ctx.images.filter(
    (i) =>
      i.spec.site === site ||
      i.spec.stores.primary.site === site ||
      (i.spec.stores.replicas ?? []).some((r) => r.site === site) ||
      (i.spec.stores.offsite ?? []).some((o) => o.site === site),
  );
export const rowOf = (ctx: DocsContext, kind: 'policy' | 'image', name: string): ReportRow | undefined =>
  ctx.report.rows.find((r) => r.kind === kind && r.name === name);
