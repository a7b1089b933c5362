// Test-only: a site with a local-path NAS target, Image YAML for the GPT and MBR test disks, and the job
// context and planned job the image jobs receive from `lifeboat run`.
import type { Entry, Inventory, Site } from '@lifeboat/core';
import type { PlannedJob } from '../../../scheduler/due.js';
import { inventoryOf } from '../../../scheduler/testing/inventory.js';
import type { DiskImage } from '../../../testing/disk-images.js';
import type { JobContext, JobEvent } from '../../job.js';

export const SITE = 'lisle';

export const localSiteYaml = (nasPath: string, name = SITE) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: ${name}
spec:
  timezone: America/Chicago
  environment: office
  runner:
    labels: [site-${name}]
  nas:
    - name: nas
      repository: ${nasPath}
      credentials:
        passwordEnv: RESTIC_PASSWORD
    - name: rest-nas
      repository: rest:http://127.0.0.1:8000/
      credentials:
        passwordEnv: RESTIC_PASSWORD
  access:
    approvers: []
    requesters: []
`;

export interface ImageText {
  name: string;
  disk: Pick<DiskImage, 'path' | 'table' | 'partitions'>;
  version?: string;
  checksumMode?: number;
  compression?: 'zstd' | 'none';
  keepVersions?: number;
  target?: string;
  promotion?: string;
  /** YAML lines under `spec:` (sdCard, objectives, drill), indented by 2 spaces. */
  extra?: string;
  /** Declare the disk as source.device (a block device) instead of source.file. */
  device?: boolean;
  /** Declared sizes (sizeMiB) per partition; default the disk's real sizes. */
  sizesMiB?: number[];
}

export const imageYaml = (o: ImageText) => `apiVersion: lifeboat/v1
kind: Image
metadata:
  name: ${o.name}
spec:
  site: ${SITE}
  deviceClass: test-disk
  version: '${o.version ?? '1.0.0'}'
  source:
    ${o.device ? 'device' : 'file'}: ${o.disk.path}
  partitionTable: ${o.disk.table}
  partitions:
${o.disk.partitions
  .map(
    (p, i) => `    - number: ${p.number}
      name: ${p.name.toLowerCase()}
      filesystem: ${p.filesystem}
      sizeMiB: ${o.sizesMiB?.[i] ?? p.sizeBytes / (1024 * 1024)}`,
  )
  .join('\n')}
  capture:
    partclone: '0.3.23'
    checksumMode: ${o.checksumMode ?? 0}
    compression: ${o.compression ?? 'zstd'}
  stores:
    primary:
      site: ${SITE}
      target: ${o.target ?? 'nas'}
      path: images/test
  retention:
    keepVersions: ${o.keepVersions ?? 3}
  verification:
    hash: sha256
    recaptureHash: true
    fsck: true
  promotion: ${o.promotion ?? 'candidate'}
${o.extra ?? ''}`;

export const imageInventory = (nasPath: string, images: ImageText[]): Inventory =>
  inventoryOf({ sites: [localSiteYaml(nasPath)], images: images.map(imageYaml) });

export interface TestContext extends JobContext {
  events: JobEvent[];
}

export const imageContext = (
  inventory: Inventory,
  dirs: { stateDir: string; sandboxDir: string },
  extra: Partial<JobContext> = {},
): TestContext => {
  const site = inventory.sites.find((s) => s.value.metadata.name === SITE) as Entry<Site>;
  const events: JobEvent[] = [];
  return {
    inventory,
    site,
    stateDir: dirs.stateDir,
    sandboxDir: dirs.sandboxDir,
    env: {},
    now: () => new Date(),
    onEvent: (e) => events.push(e),
    events,
    ...extra,
  };
};

/** What `lifeboat run` hands an image job (drills come from the scheduler; the others are on demand). */
export const imagePlanned = (image: string): PlannedJob => ({
  key: `drill:image:${image}`,
  job: 'drill',
  subjects: [{ kind: 'image', name: image }],
  repository: { site: SITE, target: 'nas', path: 'images/test' },
  heavy: true,
  status: 'due',
  missed: 0,
  drill: { kind: 'image' },
  reason: 'test',
});
