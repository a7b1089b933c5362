import {
  type BackupPolicy,
  type Image,
  type InventoryKind,
  KIND_DIRS,
  type LoadInventoryResult,
  loadInventoryFromFiles,
  type Site,
  schemaHeader,
} from '@lifeboat/core';
import { stringify } from 'yaml';

// Test inventories: a minimal valid site + policy + image that tests clone and break, written out as real YAML.

export const APPROVER = 'U0LISLEAP1';
export const REQUESTER = 'U0LISLERQ1';

/** A site every rule accepts: one NAS, one offsite remote, a nightly window, one approver and one requester. */
export const VALID_SITE: Site = {
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: { name: 'lisle', title: 'Lisle office (HQ)' },
  spec: {
    timezone: 'America/Chicago',
    environment: 'office',
    runner: {
      labels: ['lifeboat-lisle'],
      stateDir: '/var/lib/lifeboat',
      sandboxDir: '/var/lib/lifeboat/sandbox',
    },
    nas: [
      {
        name: 'nas1',
        repository: 'rest:https://nas1.lisle.example.internal:8000/',
        credentials: { passwordEnv: 'RESTIC_PASSWORD_LISLE' },
      },
    ],
    offsite: [{ name: 'cloud', remote: 'b2-lisle', path: 'lifeboat/lisle' }],
    maintenanceWindows: [
      {
        name: 'nightly',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '22:00',
        end: '06:00',
      },
    ],
    access: { approvers: [APPROVER], requesters: [REQUESTER] },
  },
};

/** A critical office-share policy that satisfies every rule (RPO, retention, check, drill, offsite, window). */
export const VALID_POLICY: BackupPolicy = {
  apiVersion: 'lifeboat/v1',
  kind: 'BackupPolicy',
  metadata: { name: 'office-share', description: 'Office file share at Lisle.' },
  spec: {
    site: 'lisle',
    dataClass: 'office-share',
    host: 'fileserver',
    tags: ['office-share'],
    sources: { paths: ['/srv/shares/office'] },
    repository: { target: 'nas1', path: 'office-share' },
    schedule: { cron: '0 * * * *', timezone: 'America/Chicago' },
    retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 },
    prune: { schedule: { cron: '30 2 * * 0' } },
    check: { schedule: { cron: '0 3 * * *' }, subsets: 7, readAllWithinDays: 7 },
    offsite: { remote: 'cloud', schedule: { cron: '0 4 * * *' } },
    objectives: { rpo: '4h', rto: '4h' },
    drill: {
      schedule: { cron: '0 1 1 * *' },
      kind: 'full',
      sandbox: '/var/lib/lifeboat/sandbox/office-share',
    },
    restore: {
      approval: 'required',
      approvers: [APPROVER],
      requesters: [REQUESTER],
      alternateTarget: '/srv/restore/office-share',
    },
  },
};

/** A GPT workstation image with two copies (NAS + offsite), checksum mode 0 and hash verification. */
export const VALID_IMAGE: Image = {
  apiVersion: 'lifeboat/v1',
  kind: 'Image',
  metadata: { name: 'ws-golden' },
  spec: {
    site: 'lisle',
    deviceClass: 'workstation',
    version: '2024.06.1',
    source: { device: '/dev/sda', sizeMiB: 256_000 },
    partitionTable: 'gpt',
    partitions: [
      { number: 1, name: 'efi', filesystem: 'vfat', sizeMiB: 512, role: 'efi' },
      { number: 2, name: 'os', filesystem: 'ntfs', sizeMiB: 200_000, role: 'os' },
    ],
    capture: { partclone: '0.3.23', checksumMode: 0, compression: 'zstd', level: 3 },
    stores: {
      primary: { site: 'lisle', target: 'nas1', path: 'images/ws-golden' },
      offsite: [{ site: 'lisle', remote: 'cloud' }],
    },
    retention: { keepVersions: 3 },
    verification: { hash: 'sha256', recaptureHash: true, fsck: true },
    objectives: { rto: '8h' },
    drill: { schedule: { cron: '0 23 * * 6' }, sandbox: '/var/lib/lifeboat/sandbox/ws-golden' },
    promotion: 'approved',
    approvers: [APPROVER],
  },
};

export const site = (change?: (s: Site) => void): Site => modified(VALID_SITE, change);
export const policy = (change?: (p: BackupPolicy) => void): BackupPolicy => modified(VALID_POLICY, change);
export const image = (change?: (i: Image) => void): Image => modified(VALID_IMAGE, change);

const modified = <T>(base: T, change?: (value: T) => void): T => {
  const copy = structuredClone(base);
  change?.(copy);
  return copy;
};

type Typed = Site | BackupPolicy | Image;

/** The conventional path of an object: `policies/<name>.yaml`. */
export const pathOf = (value: Typed): string => `${KIND_DIRS[value.kind]}/${value.metadata.name}.yaml`;

/** YAML text as an engineer would write it: schema header first, block style, no line folding. */
export const toYaml = (value: unknown, kind: InventoryKind, path: string): string =>
  `${schemaHeader(kind, path)}\n${stringify(value, { lineWidth: 0 })}`;

export type Files = Record<string, string>;

/**
 * Files for the given objects (default: the valid site, policy and image), keyed by path. Pass
 * `[path, object]` pairs to put an object at another path (two files with one name).
 */
export const inventoryFiles = (...objects: Array<Typed | [string, Typed]>): Files => {
  const list = objects.length > 0 ? objects : [VALID_SITE, VALID_POLICY, VALID_IMAGE];
  const files: Files = {};
  for (const item of list) {
    const [path, value] = Array.isArray(item) ? item : [pathOf(item), item];
    if (path in files) throw new Error(`two test objects at ${path}`);
    files[path] = toYaml(value, value.kind, path);
  }
  return files;
};

/** Load files through core, exactly as `lifeboat validate` does. */
export const buildInventory = (files: Files): LoadInventoryResult =>
  loadInventoryFromFiles(Object.entries(files).map(([path, content]) => ({ path, content })));
