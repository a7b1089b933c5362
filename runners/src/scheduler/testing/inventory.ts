import { hasErrors, type Inventory, loadInventoryFromFiles } from '@lifeboat/core';

// Small inventories for scheduler tests, written as the YAML a site would commit, loaded by core's loader
// so the scheduler sees exactly what `lifeboat run` would.

export interface SiteText {
  name?: string;
  timezone?: string;
  /** YAML lines under `maintenanceWindows:`, already indented by 4 spaces; none when omitted. */
  windows?: string;
}

export const siteYaml = ({
  name = 'lisle',
  timezone = 'America/Chicago',
  windows,
}: SiteText = {}) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: ${name}
spec:
  timezone: ${timezone}
  environment: office
  runner:
    labels: [site-${name}]
  nas:
    - name: nas
      repository: rest:http://127.0.0.1:8000/
      credentials:
        passwordEnv: RESTIC_PASSWORD
  offsite:
    - name: cloud
      remote: cloud
      path: bucket
${windows ? `  maintenanceWindows:\n${windows}` : ''}  access:
    approvers: []
    requesters: []
`;

export interface PolicyText {
  name: string;
  site?: string;
  /** The backup cron. */
  cron: string;
  /** The backup schedule's own zone. */
  timezone?: string;
  path?: string;
  /** Extra YAML lines under `spec:` (prune, check, offsite, drill), indented by 2 spaces. */
  extra?: string;
}

export const policyYaml = ({ name, site = 'lisle', cron, timezone, path = name, extra = '' }: PolicyText) =>
  `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: ${name}
spec:
  site: ${site}
  dataClass: office-share
  sources:
    paths: [/srv/${name}]
  repository:
    target: nas
    path: ${path}
  schedule:
    cron: '${cron}'
${timezone ? `    timezone: ${timezone}\n` : ''}  retention:
    keepDaily: 7
${extra}`;

export const imageYaml = ({ name, site = 'lisle', cron }: { name: string; site?: string; cron: string }) =>
  `apiVersion: lifeboat/v1
kind: Image
metadata:
  name: ${name}
spec:
  site: ${site}
  deviceClass: kvm
  version: '1.0.0'
  source:
    file: /srv/images/${name}.img
  partitionTable: mbr
  partitions:
    - number: 1
      name: root
      filesystem: ext4
  capture:
    partclone: '0.3.23'
    checksumMode: 1
    compression: zstd
  stores:
    primary:
      site: ${site}
      target: nas
      path: images/${name}
  retention:
    keepVersions: 3
  verification:
    hash: sha256
    recaptureHash: true
    fsck: true
  drill:
    schedule:
      cron: '${cron}'
  promotion: candidate
`;

/** Load sites, policies and images from YAML text; a typo in a test's YAML fails loudly. */
export const inventoryOf = (docs: {
  sites?: string[];
  policies?: string[];
  images?: string[];
}): Inventory => {
  const files = [
    ...(docs.sites ?? []).map((content, i) => ({ path: `sites/site-${i}.yaml`, content })),
    ...(docs.policies ?? []).map((content, i) => ({ path: `policies/policy-${i}.yaml`, content })),
    ...(docs.images ?? []).map((content, i) => ({ path: `images/image-${i}.yaml`, content })),
  ];
  const loaded = loadInventoryFromFiles(files);
  if (hasErrors(loaded.problems))
    throw new Error(
      `test inventory does not load: ${loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`,
    );
  return loaded.inventory;
};
