import {
  type BackupPolicy,
  type Image,
  KIND_DIRS,
  type LoadInventoryResult,
  loadInventoryFromFiles,
  type Site,
  type SourceFile,
  schemaHeader,
} from '@lifeboat/core';

// Small valid inventories for plan tests, loaded through the real loader (JSON is YAML) so positions and schema apply.

export type InventoryObject = Site | BackupPolicy | Image;

export const site = (name = 'lisle', timezone = 'America/Chicago'): Site => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: { name },
  spec: {
    timezone,
    environment: 'office',
    runner: { labels: [`site-${name}`] },
    nas: [
      {
        name: 'nas1',
        repository: `rest:https://nas1.${name}.example:8000/`,
        credentials: { passwordEnv: 'RESTIC_PASSWORD' },
      },
      {
        name: 'nas2',
        repository: `sftp:backup@nas2.${name}.example:/srv/restic`,
        credentials: { passwordEnv: 'RESTIC_PASSWORD' },
      },
    ],
    offsite: [{ name: 'cloud', remote: 'b2', path: `lifeboat/${name}` }],
    access: { approvers: ['U0APPROVER1'], requesters: ['U0REQUESTER1'] },
  },
});

export const policy = (name: string, siteName = 'lisle'): BackupPolicy => ({
  apiVersion: 'lifeboat/v1',
  kind: 'BackupPolicy',
  metadata: { name },
  spec: {
    site: siteName,
    dataClass: 'office-share',
    host: 'fs01',
    tags: [name],
    sources: { paths: ['/srv/shares/a', '/srv/shares/b'] },
    repository: { target: 'nas1', path: name },
    schedule: { cron: '30 1 * * *' },
    retention: { keepDaily: 14, keepWeekly: 4, keepMonthly: 6, keepWithin: '2d' },
    prune: { schedule: { cron: '0 3 * * 0' } },
    check: { schedule: { cron: '0 4 * * *', timezone: 'UTC' }, subsets: 7, readAllWithinDays: 7 },
    offsite: { remote: 'cloud', schedule: { cron: '0 5 * * *' } },
    objectives: { rpo: '1d', rto: '4h' },
  },
});

export const image = (name: string, siteName = 'lisle'): Image => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Image',
  metadata: { name },
  spec: {
    site: siteName,
    deviceClass: 'hp-kvm',
    version: '1.0.0',
    source: { device: '/dev/mmcblk0' },
    partitionTable: 'mbr',
    partitions: [
      { number: 1, name: 'boot', filesystem: 'vfat', role: 'boot' },
      { number: 2, name: 'rootfs', filesystem: 'ext4', role: 'root' },
    ],
    capture: { partclone: '0.3.23', checksumMode: 1, compression: 'zstd' },
    stores: { primary: { site: siteName, target: 'nas1', path: `images/${name}` } },
    retention: { keepVersions: 5 },
    verification: { hash: 'sha256', recaptureHash: true, fsck: true },
    drill: { schedule: { cron: '0 2 * * 3' } },
    promotion: 'approved',
  },
});

/** The file an object lives in by default: `policies/<name>.yaml`. */
export const fileOf = (o: InventoryObject): string => `${KIND_DIRS[o.kind]}/${o.metadata.name}.yaml`;

/** The text of a data file holding `o`, with its schema header. */
export const textOf = (o: InventoryObject, file = fileOf(o)): string =>
  `${schemaHeader(o.kind, file)}\n${JSON.stringify(o, null, 2)}\n`;

export type Placed =
  | InventoryObject
  | { file: string; object: InventoryObject }
  | { file: string; text: string };

export const sourceFiles = (items: readonly Placed[]): SourceFile[] =>
  items.map((item) => {
    if ('text' in item) return { path: item.file, content: item.text };
    if ('object' in item) return { path: item.file, content: textOf(item.object, item.file) };
    return { path: fileOf(item), content: textOf(item) };
  });

/** Load objects (or raw files) as an inventory; each object lands in its default file unless placed elsewhere. */
export const inventory = (...items: Placed[]): LoadInventoryResult =>
  loadInventoryFromFiles(sourceFiles(items));

/** A deep copy to edit for the head side. */
export const edit = <T extends InventoryObject>(o: T, change: (copy: T) => void): T => {
  const copy = structuredClone(o);
  change(copy);
  return copy;
};
