import { type Inventory, quote } from '@lifeboat/core';
import { printable } from '../run/terminal.js';
import type { FilesystemType } from '../tools/disk/filesystem.js';
import { checkClock, type Fetch } from './clock.js';
import { type DoctorReport, type Finding, type FindingStatus, finding } from './findings.js';
import { checkRemotes } from './remotes.js';
import { checkRepositories } from './repositories.js';
import { checkSpace, SANDBOX_LIMITS, STATE_LIMITS } from './space.js';
import { checkTools, type ToolNeeds } from './tools.js';

// `lifeboat doctor`: can this runner do what its site's YAML asks — tools, repositories, remotes,
// credentials (by name), free space, clock — and what to fix when not. Runs nothing that writes.

export interface DoctorOptions {
  inventory?: Inventory;
  site?: string;
  stateDir: string;
  sandboxDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Per network probe (restic cat config, rclone lsjson, a HEAD for the clock); default 20 s. */
  timeoutMs?: number;
  binaries?: { restic?: string; rclone?: string };
  fetch?: Fetch;
  clock?: () => number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;

const isExt = (fs: FilesystemType) => fs === 'ext2' || fs === 'ext3' || fs === 'ext4';
const isFat = (fs: FilesystemType) => fs === 'vfat' || fs === 'fat32';

/** What the site's YAML needs from the runner's tools, with why. */
export const toolNeeds = (inventory: Inventory | undefined, site: string | undefined): ToolNeeds => {
  if (inventory === undefined || site === undefined)
    return {
      restic: undefined,
      rclone: undefined,
      partclone: new Map(),
      images: [],
      zstd: undefined,
      sfdisk: undefined,
      sgdisk: undefined,
      e2fsck: undefined,
      fsckFat: undefined,
      anySite: true,
    };
  const policies = inventory.policies.map((p) => p.value).filter((p) => p.spec.site === site);
  const images = inventory.images.map((i) => i.value).filter((i) => i.spec.site === site);
  const siteSpec = inventory.sites.find((s) => s.value.metadata.name === site)?.value;
  const first = <T>(items: T[], name: (t: T) => string, what: string): string | undefined =>
    items.length === 0
      ? undefined
      : `${what} ${items
          .slice(0, 3)
          .map((t) => quote(name(t)))
          .join(', ')}${items.length > 3 ? ` and ${items.length - 3} more` : ''}`;
  const imageName = (i: (typeof images)[number]) => i.metadata.name;
  const partclone = new Map<FilesystemType, string>();
  for (const image of images)
    for (const p of image.spec.partitions)
      if (!partclone.has(p.filesystem as FilesystemType))
        partclone.set(
          p.filesystem as FilesystemType,
          `image ${quote(image.metadata.name)} (${p.filesystem})`,
        );
  const withFs = (test: (fs: FilesystemType) => boolean) =>
    images.filter(
      (i) => i.spec.verification.fsck && i.spec.partitions.some((p) => test(p.filesystem as FilesystemType)),
    );
  const offsite =
    (siteSpec?.spec.offsite ?? []).length > 0 || policies.some((p) => p.spec.offsite !== undefined);
  return {
    restic: first(policies, (p) => p.metadata.name, 'backup policies'),
    rclone: offsite ? 'offsite copies of the site' : undefined,
    partclone,
    images: images.map((i) => ({
      name: i.metadata.name,
      partclone: i.spec.capture.partclone,
      checksumMode: i.spec.capture.checksumMode,
      filesystems: i.spec.partitions.map((p) => p.filesystem as FilesystemType),
    })),
    zstd: first(
      images.filter((i) => i.spec.capture.compression === 'zstd'),
      imageName,
      'compressed images',
    ),
    sfdisk: first(images, imageName, 'partition tables of images'),
    sgdisk: first(
      images.filter((i) => i.spec.partitionTable === 'gpt'),
      imageName,
      'GPT images',
    ),
    e2fsck: first(withFs(isExt), imageName, 'fsck of ext images'),
    fsckFat: first(withFs(isFat), imageName, 'fsck of FAT images'),
    anySite: false,
  };
};

export const runDoctor = async (o: DoctorOptions): Promise<DoctorReport> => {
  const timeoutMs = o.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const findings: Finding[] = [];
  const siteEntry =
    o.site === undefined ? undefined : o.inventory?.sites.find((s) => s.value.metadata.name === o.site);
  if (o.site !== undefined && !siteEntry)
    findings.push(
      finding('site', o.site, 'fail', `site ${quote(o.site)} is not in the inventory`, {
        fix: 'check --site and --root (and that sites/<name>.yaml validates)',
      }),
    );
  findings.push(...(await checkTools(toolNeeds(o.inventory, siteEntry ? o.site : undefined), o.binaries)));
  if (siteEntry && o.inventory) {
    const site = siteEntry.value;
    const [repositories, remotes] = await Promise.all([
      checkRepositories({
        inventory: o.inventory,
        site,
        env: o.env,
        stateDir: o.stateDir,
        timeoutMs,
        ...(o.binaries?.restic === undefined ? {} : { resticBinary: o.binaries.restic }),
      }),
      checkRemotes({
        site,
        env: o.env,
        timeoutMs,
        ...(o.binaries?.rclone === undefined ? {} : { rcloneBinary: o.binaries.rclone }),
      }),
    ]);
    findings.push(...repositories, ...remotes);
  }
  findings.push(
    await checkSpace('state directory', o.stateDir, STATE_LIMITS),
    await checkSpace('sandbox directory', o.sandboxDir, SANDBOX_LIMITS),
    await checkClock({
      ...(siteEntry ? { site: siteEntry.value } : {}),
      timeoutMs: Math.min(timeoutMs, 5_000),
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    }),
  );
  const counts: Record<FindingStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const f of findings) counts[f.status] += 1;
  return {
    version: 1,
    ...(o.site === undefined ? {} : { site: o.site }),
    checkedAt: new Date(o.clock?.() ?? Date.now()).toISOString(),
    ok: counts.fail === 0,
    counts,
    findings,
  };
};

/** For people: one line per finding, a fix under each that is not ok. */
export const renderDoctor = (report: DoctorReport): string => {
  const mark: Record<FindingStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  const lines = report.findings.flatMap((f) => [
    `${mark[f.status]}  ${f.area.padEnd(10)} ${printable(f.subject, 120)}: ${printable(f.message, 600)}`,
    ...(f.fix === undefined ? [] : [`      fix: ${printable(f.fix, 600)}`]),
  ]);
  lines.push(
    `${report.counts.fail} failed, ${report.counts.warn} warning(s), ${report.counts.ok} ok${report.site === undefined ? '' : ` for site ${report.site}`}`,
  );
  return `${lines.join('\n')}\n`;
};
