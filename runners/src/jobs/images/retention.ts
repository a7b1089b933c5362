// Keeps an image store to `retention.keepVersions`: the oldest versions beyond it are removed, but never
// the version just captured and never one that is deployed (devices in the field run it).
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '@lifeboat/core';
import { syncDirectory } from '../../ledger/atomic-write.js';
import type { ToolError } from '../../tools/result.js';
import type { PromotionState } from './manifest.js';
import { imageDir, listVersions, type StoredVersion } from './store.js';

export interface RetentionRule {
  keepVersions: number;
  /** Never deleted, whatever its age. */
  justMade?: string;
  /** The YAML's version and promotion: `deployed` there protects that version too. */
  declared?: { version: string; promotion: PromotionState | string };
}

export const isProtected = (v: StoredVersion, rule: RetentionRule): boolean =>
  v.version === rule.justMade ||
  v.manifest.promotion === 'deployed' ||
  (rule.declared?.version === v.version && rule.declared.promotion === 'deployed');

/**
 * Which versions to delete (oldest first): as many of the oldest unprotected ones as it takes to get back
 * to `keepVersions`. Protected versions count towards the total but are never picked, so a store with
 * deployed versions may keep more than `keepVersions`.
 */
export const versionsToDelete = (
  versions: readonly StoredVersion[],
  rule: RetentionRule,
): StoredVersion[] => {
  const keep = Math.max(1, Math.floor(rule.keepVersions));
  let excess = versions.length - keep;
  const picked: StoredVersion[] = [];
  // `versions` is oldest first (listVersions).
  for (const v of versions) {
    if (excess <= 0) break;
    if (isProtected(v, rule)) continue;
    picked.push(v);
    excess--;
  }
  return picked;
};

export interface RetentionReport {
  kept: string[];
  deleted: string[];
  errors: ToolError[];
}

/**
 * Applies the rule to the stored versions. A version is first renamed to `.deleting-*` (so it stops being
 * a version at once, atomically) and then removed; damaged directories are left alone for a person to look at.
 */
export const applyRetention = async (
  storeRoot: string,
  image: string,
  rule: RetentionRule,
): Promise<RetentionReport> => {
  const report: RetentionReport = { kept: [], deleted: [], errors: [] };
  let listing: Awaited<ReturnType<typeof listVersions>>;
  try {
    listing = await listVersions(storeRoot, image);
  } catch (e) {
    report.errors.push({
      code: 'image.io-failed',
      message: `listing versions: ${e instanceof Error ? e.message : String(e)}`,
    });
    return report;
  }
  const doomed = new Set(versionsToDelete(listing.versions, rule).map((v) => v.version));
  const parent = imageDir(storeRoot, image);
  for (const v of listing.versions) {
    if (!doomed.has(v.version)) {
      report.kept.push(v.version);
      continue;
    }
    const away = join(parent, `.deleting-${v.version}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(v.dir, away);
      await syncDirectory(parent);
      report.deleted.push(v.version);
      await rm(away, { recursive: true, force: true });
    } catch (e) {
      report.errors.push({
        code: 'image.io-failed',
        message: `removing version ${quote(v.version)}: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  return report;
};
