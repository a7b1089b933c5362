// The retention preview as data: what `forget --dry-run` says the old and the new rules do to one policy's
// snapshots, so a pull request shows exactly which snapshots a retention change deletes.

import type { KeepRules } from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';

export interface PreviewSnapshot {
  id: string;
  shortId: string;
  /** restic's snapshot time (RFC 3339). */
  time: string;
  host: string;
  paths: string[];
  tags: string[];
  /**
   * restic's reasons for keeping it (`daily snapshot`, `within 14d`, …): under the old rules for a snapshot
   * the change deletes, under the new rules for one it newly keeps; empty for one both rules remove.
   */
  reasons: string[];
}

/**
 * `previewed`: restic answered for both rule sets. `failed`: the repository could not be read (unreachable,
 * locked, wrong password, missing credentials, odd output). `refused`: the new rules cannot run (no keep
 * rule), so forget was never called. `skipped`: there is nothing meaningful to compare (repository moved).
 */
export type PreviewStatus = 'previewed' | 'failed' | 'refused' | 'skipped';

export interface PolicyPreview {
  policy: string;
  /** The policy's file in the working tree. */
  file: string;
  status: PreviewStatus;
  /** The repository without URL credentials, when it resolves. */
  repository?: string;
  /** The forget scope both queries used (`policy:<name>`, plus the host when the policy sets one). */
  scope: { tag: string; host?: string };
  /** The old and new rules as restic takes them; absent when a side has no valid rule. */
  rulesBefore?: KeepRules;
  rulesAfter?: KeepRules;
  /** Why the preview is not (entirely) there: a restic catalogue code or a `retention-preview.*` one. */
  error?: ToolError & { outcome?: string };
  /** Extra context that is not an error, e.g. that the old rules could not run so every snapshot was kept. */
  note?: string;
  /** Kept by the old rules, removed by the new: deleted by the first forget after merge. Newest first. */
  removed: PreviewSnapshot[];
  /** Removed by the old rules, kept by the new. Newest first. */
  newlyKept: PreviewSnapshot[];
  /** Removed by both: the next forget deletes them with or without this change. Newest first. */
  removedAnyway: PreviewSnapshot[];
  /** Kept by both rule sets. */
  keptByBoth: number;
  /** Snapshots of this policy in the repository (in the policy's scope). */
  total: number;
}

export interface RetentionPreview {
  site: string;
  /** restic's version on the runner, when it ran. */
  resticVersion?: string;
  /** Destructive sections first, then failures, then the rest; each group by policy name. */
  policies: PolicyPreview[];
}
