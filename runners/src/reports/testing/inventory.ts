import { type Inventory, loadInventoryFromFiles } from '@lifeboat/core';

// A small inventory with known objectives, so each status colour can be produced on purpose.

/** Backups every 2 h, RPO 4h, RTO 8h, drills weekly (Sundays 07:00). */
export const FINANCE_POLICY = `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: lisle-finance-share
spec:
  site: lisle
  dataClass: office-share
  sources:
    paths: [/srv/shares/finance]
  repository:
    target: lisle-nas
    path: office-shares
  schedule:
    cron: "15 */2 * * *"
  retention:
    keepDaily: 14
  objectives:
    rpo: 4h
    rto: 8h
  drill:
    schedule:
      cron: "0 7 * * 0"
    kind: sample
`;

/** Daily backups, no objectives, no drill. */
export const PLAIN_POLICY = `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: portage-shared-drive
spec:
  site: portage
  dataClass: office-share
  sources:
    paths: [/srv/shared]
  repository:
    target: portage-nas
    path: shared
  schedule:
    cron: "0 1 * * *"
  retention:
    keepDaily: 7
`;

/** RTO 2h, drills weekly (Wednesdays 03:00). */
export const SD_IMAGE = `apiVersion: lifeboat/v1
kind: Image
metadata:
  name: hp-kvm-sdcard
spec:
  site: lisle
  deviceClass: hp-kvm
  version: "3.2.0"
  source:
    device: /dev/mmcblk0
  partitionTable: mbr
  partitions:
    - number: 1
      name: boot
      filesystem: vfat
  capture:
    partclone: "0.3.23"
    checksumMode: 1
    compression: zstd
  stores:
    primary:
      site: lisle
      target: lisle-nas
      path: images/hp-kvm
  retention:
    keepVersions: 5
  verification:
    hash: sha256
    recaptureHash: true
    fsck: true
  objectives:
    rto: 2h
  drill:
    schedule:
      cron: "0 3 * * 3"
  promotion: approved
`;

/** The inventory of the documents given (policies and images need no sites to be reported on). */
export const testInventory = (documents: { policies?: string[]; images?: string[] } = {}): Inventory => {
  const policies = documents.policies ?? [FINANCE_POLICY, PLAIN_POLICY];
  const images = documents.images ?? [SD_IMAGE];
  const loaded = loadInventoryFromFiles([
    ...policies.map((text, i) => ({ path: `policies/p${i}.yaml`, content: text })),
    ...images.map((text, i) => ({ path: `images/i${i}.yaml`, content: text })),
  ]);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new Error(`test inventory is invalid: ${errors.map((p) => p.message).join('; ')}`);
  return loaded.inventory;
};
