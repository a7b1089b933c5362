import type { ForgetGroup, KeptSnapshot, Snapshot } from '../tools/restic/index.js';
import type { PreviewSnapshot } from './types.js';

// Compares two `forget --dry-run` answers by full snapshot id: what the new rules remove that the old kept is
// what the change deletes. A snapshot one answer does not mention is outside that forget's scope, and forget
// never touches what it does not select: on that side it counts as kept.

export interface ForgetDiff {
  removed: PreviewSnapshot[];
  newlyKept: PreviewSnapshot[];
  removedAnyway: PreviewSnapshot[];
  keptByBoth: number;
  /** Snapshots either answer mentions. */
  total: number;
  /** Snapshots only one answer mentions: the scope changed, or the repository changed between the queries. */
  oneSided: number;
}

interface Side {
  keep: Map<string, KeptSnapshot>;
  remove: Map<string, Snapshot>;
}

const sideOf = (groups: readonly ForgetGroup[]): Side => {
  const side: Side = { keep: new Map(), remove: new Map() };
  for (const g of groups) {
    for (const s of g.keep) side.keep.set(s.id, s);
    for (const s of g.remove) side.remove.set(s.id, s);
  }
  return side;
};

const preview = (s: Snapshot, reasons: readonly string[] = []): PreviewSnapshot => ({
  id: s.id,
  shortId: s.shortId,
  time: s.time,
  host: s.hostname,
  paths: [...s.paths],
  tags: [...s.tags],
  reasons: [...reasons],
});

const newestFirst = (a: PreviewSnapshot, b: PreviewSnapshot): number =>
  Date.parse(b.time) - Date.parse(a.time) || a.id.localeCompare(b.id);

/**
 * `before` undefined: the old rules could not run (no valid keep rule), so forget never ran and every
 * snapshot was kept; everything the new rules remove is then deleted by the change.
 */
export const diffForget = (
  before: readonly ForgetGroup[] | undefined,
  after: readonly ForgetGroup[],
): ForgetDiff => {
  const a = sideOf(after);
  const b = before === undefined ? undefined : sideOf(before);
  const diff: ForgetDiff = {
    removed: [],
    newlyKept: [],
    removedAnyway: [],
    keptByBoth: 0,
    total: 0,
    oneSided: 0,
  };
  const seen = (side: Side, id: string) => side.keep.has(id) || side.remove.has(id);
  const ids = new Set([
    ...a.keep.keys(),
    ...a.remove.keys(),
    ...(b ? [...b.keep.keys(), ...b.remove.keys()] : []),
  ]);
  for (const id of ids) {
    diff.total++;
    if (b !== undefined && !(seen(a, id) && seen(b, id))) diff.oneSided++;
    const snapshot = a.keep.get(id) ?? a.remove.get(id) ?? b?.keep.get(id) ?? b?.remove.get(id);
    if (snapshot === undefined) continue;
    const keptBefore = !(b?.remove.has(id) ?? false);
    const keptAfter = !a.remove.has(id);
    if (keptBefore && !keptAfter) diff.removed.push(preview(snapshot, b?.keep.get(id)?.reasons));
    else if (!keptBefore && keptAfter) diff.newlyKept.push(preview(snapshot, a.keep.get(id)?.reasons));
    else if (!keptBefore) diff.removedAnyway.push(preview(snapshot));
    else diff.keptByBoth++;
  }
  diff.removed.sort(newestFirst);
  diff.newlyKept.sort(newestFirst);
  diff.removedAnyway.sort(newestFirst);
  return diff;
};
