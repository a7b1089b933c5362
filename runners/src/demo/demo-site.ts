// The demo's site `demo`: its directories, sample data and inventory (a Site, two policies, one Image),
// written as real YAML into the work directory so the demo loads them exactly as `lifeboat run` would.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupPolicy, Image, Site } from '@lifeboat/core';
import { type DemoDisk, type DemoTree, writeDemoTree } from './disk-image.js';
import { toYaml, type YamlValue } from './yaml-text.js';

export const DEMO_SITE = 'demo';
/** The variable the Site names for the restic password (the demo makes a random one). */
export const DEMO_PASSWORD_ENV = 'LIFEBOAT_DEMO_RESTIC_PASSWORD';
export const DEMO_NAS = 'demo-nas';
export const DEMO_IMAGE_NAS = 'demo-images';
export const DEMO_OFFSITE = 'demo-cloud';
/** The rclone remote name of the "cloud": defined only by RCLONE_CONFIG_DEMOCLOUD_TYPE=local. */
export const DEMO_REMOTE = 'democloud';
export const DEMO_POLICIES = ['demo-office-share', 'demo-pos-config'] as const;
export const DEMO_IMAGE = 'demo-kiosk-sdcard';

/** Every directory of one demo run, all under its work directory. */
export interface DemoLayout {
  root: string;
  inventory: string;
  data: string;
  /** Served by `rclone serve restic`: the restic repositories. */
  restDir: string;
  /** The local-path NAS target holding image versions. */
  imageStore: string;
  /** The "cloud": the offsite remote's directory. */
  cloud: string;
  devices: string;
  state: string;
  sandbox: string;
  restores: string;
}

export const demoLayout = (root: string): DemoLayout => ({
  root,
  inventory: join(root, 'inventory'),
  data: join(root, 'data'),
  restDir: join(root, 'nas', 'restic'),
  imageStore: join(root, 'nas', 'images'),
  cloud: join(root, 'cloud'),
  devices: join(root, 'devices'),
  state: join(root, 'state'),
  sandbox: join(root, 'sandbox'),
  restores: join(root, 'restores'),
});

export const makeDemoDirs = async (layout: DemoLayout): Promise<void> => {
  for (const dir of Object.values(layout)) await mkdir(dir, { recursive: true });
};

const text = (lines: number, seed: string) =>
  Array.from(
    { length: lines },
    (_, i) => `${seed} line ${i + 1}: the quick brown fox jumps over the lazy dog`,
  ).join('\n');

/** A small office share: documents, a spreadsheet-sized binary, nested folders. */
export const officeShareTree = (): DemoTree => {
  const tree: Record<string, string | Uint8Array> = {
    'finance/2026/budget.xlsx': randomBytes(96 * 1024),
    'finance/2026/invoices/INV-1001.pdf': randomBytes(24 * 1024),
    'finance/2026/invoices/INV-1002.pdf': randomBytes(31 * 1024),
    'hr/handbook.md': text(200, 'handbook'),
    'it/network-diagram.png': randomBytes(48 * 1024),
  };
  for (let i = 1; i <= 20; i++)
    tree[`projects/site-survey/notes-${String(i).padStart(2, '0')}.txt`] = text(20 + i, `note ${i}`);
  return tree;
};

/** A point-of-sale terminal's configuration. */
export const posConfigTree = (): DemoTree => ({
  'lane-01/pos.ini': '[store]\nid=demo\nlane=1\n[printer]\nmodel=receipt-80mm\n',
  'lane-01/scale.json': JSON.stringify({ port: '/dev/ttyS0', baud: 9600 }, null, 2),
  'lane-02/pos.ini': '[store]\nid=demo\nlane=2\n[printer]\nmodel=receipt-80mm\n',
  'lane-02/scale.json': JSON.stringify({ port: '/dev/ttyS1', baud: 9600 }, null, 2),
  'shared/tax-tables.csv': 'code,rate\nA,0.0625\nB,0.0225\nF,0.0\n',
  'shared/price-book.db': randomBytes(64 * 1024),
});

/** The kiosk SD card's filesystems. */
export const kioskDiskFiles = () => ({
  boot: {
    'config.txt': 'kernel=vmlinuz\ninitrd=initrd.img\n',
    'cmdline.txt': 'root=LABEL=rootfs ro quiet\n',
  },
  root: {
    'etc/hostname': 'kiosk-demo\n',
    'etc/kiosk/url': 'https://intranet.demo.example/\n',
    'opt/kiosk/app.bin': randomBytes(256 * 1024),
  },
});

export interface DemoInventoryInput {
  layout: DemoLayout;
  /** `rest:http://127.0.0.1:PORT/` of the running REST server. */
  restUrl: string;
  disk: DemoDisk;
}

const meta = (name: string, title: string) => ({ name, title });

export const demoSite = (i: DemoInventoryInput): Site => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: {
    ...meta(DEMO_SITE, 'Demo site on loopback'),
    description: 'Made by `lifeboat demo`: a REST NAS on 127.0.0.1, a local image store, a local "cloud".',
  },
  spec: {
    timezone: 'UTC',
    environment: 'lab',
    runner: {
      labels: ['self-hosted', `site-${DEMO_SITE}`],
      stateDir: i.layout.state,
      sandboxDir: i.layout.sandbox,
    },
    nas: [
      { name: DEMO_NAS, repository: i.restUrl, credentials: { passwordEnv: DEMO_PASSWORD_ENV } },
      {
        name: DEMO_IMAGE_NAS,
        repository: i.layout.imageStore,
        credentials: { passwordEnv: DEMO_PASSWORD_ENV },
      },
    ],
    offsite: [
      {
        name: DEMO_OFFSITE,
        remote: DEMO_REMOTE,
        path: i.layout.cloud,
        envFrom: [`RCLONE_CONFIG_${DEMO_REMOTE.toUpperCase()}_TYPE`],
      },
    ],
    access: { approvers: [], requesters: [] },
  },
});

export const demoPolicies = (i: DemoInventoryInput): BackupPolicy[] => [
  {
    apiVersion: 'lifeboat/v1',
    kind: 'BackupPolicy',
    metadata: meta('demo-office-share', 'Office file share'),
    spec: {
      site: DEMO_SITE,
      dataClass: 'office-share',
      host: 'demo-fileserver',
      sources: { paths: [join(i.layout.data, 'office-share')], exclude: ['*.tmp'] },
      repository: { target: DEMO_NAS, path: 'office-share' },
      schedule: { cron: '0 1 * * *' },
      retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 },
      check: { schedule: { cron: '0 3 * * *' }, subsets: 7, readAllWithinDays: 7 },
      offsite: { remote: DEMO_OFFSITE, schedule: { cron: '0 4 * * *' } },
      objectives: { rpo: '24h', rto: '1h' },
      drill: {
        schedule: { cron: '0 5 * * *' },
        kind: 'full',
        sandbox: join(i.layout.sandbox, 'office-share'),
      },
      restore: { approval: 'in-place-only', alternateTarget: join(i.layout.restores, 'office-share') },
    },
  },
  {
    apiVersion: 'lifeboat/v1',
    kind: 'BackupPolicy',
    metadata: meta('demo-pos-config', 'Point-of-sale configuration'),
    spec: {
      site: DEMO_SITE,
      dataClass: 'pos-config',
      host: 'demo-pos',
      sources: { paths: [join(i.layout.data, 'pos-config')] },
      repository: { target: DEMO_NAS, path: 'pos-config' },
      schedule: { cron: '0 */6 * * *' },
      retention: { keepDaily: 14, keepMonthly: 6 },
      check: { schedule: { cron: '30 2 * * *' }, subsets: 1, readAllWithinDays: 1 },
      offsite: { remote: DEMO_OFFSITE, schedule: { cron: '30 4 * * *' } },
      // No RTO: a sample drill proves files come back, not how long a full restore takes.
      objectives: { rpo: '6h' },
      drill: {
        schedule: { cron: '30 5 * * *' },
        kind: 'sample',
        sampleFiles: 3,
        sandbox: join(i.layout.sandbox, 'pos-config'),
      },
      restore: { approval: 'none', alternateTarget: join(i.layout.restores, 'pos-config') },
    },
  },
];

export const demoImage = (i: DemoInventoryInput): Image => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Image',
  metadata: meta(DEMO_IMAGE, 'Kiosk SD card'),
  spec: {
    site: DEMO_SITE,
    deviceClass: 'kiosk',
    version: '1.0.0',
    source: { file: i.disk.path, sizeMiB: Math.round(i.disk.sizeBytes / (1024 * 1024)) },
    partitionTable: 'mbr',
    partitions: i.disk.partitions.map((p) => ({
      number: p.number,
      name: p.name,
      filesystem: p.filesystem,
      sizeMiB: p.sizeMiB,
      role: p.name === 'boot' ? ('boot' as const) : ('root' as const),
    })),
    capture: { partclone: '0.3.23', checksumMode: 0, compression: 'zstd', level: 3 },
    stores: {
      primary: { site: DEMO_SITE, target: DEMO_IMAGE_NAS, path: 'images' },
      offsite: [{ site: DEMO_SITE, remote: DEMO_OFFSITE }],
    },
    retention: { keepVersions: 2 },
    verification: { hash: 'sha256', recaptureHash: true, fsck: true },
    objectives: { rto: '15m' },
    drill: { schedule: { cron: '0 6 * * *' }, sandbox: join(i.layout.sandbox, 'images') },
    promotion: 'candidate',
  },
});

/** Writes sites/, policies/ and images/ under `layout.inventory`; returns the files written. */
export const writeDemoInventory = async (i: DemoInventoryInput): Promise<string[]> => {
  const written: string[] = [];
  const put = async (dir: string, name: string, doc: YamlValue & { kind: string }) => {
    await mkdir(join(i.layout.inventory, dir), { recursive: true });
    const file = join(i.layout.inventory, dir, `${name}.yaml`);
    await writeFile(
      file,
      toYaml(doc, [
        // The header validate asks of every file (the schemas folder itself is not copied here).
        `yaml-language-server: $schema=../schemas/${doc.kind}.schema.json`,
        'Written by `lifeboat demo` for one run; removed with its work directory.',
      ]),
    );
    written.push(file);
  };
  await put('sites', DEMO_SITE, demoSite(i) as unknown as YamlValue & { kind: string });
  for (const p of demoPolicies(i))
    await put('policies', p.metadata.name, p as unknown as YamlValue & { kind: string });
  await put('images', DEMO_IMAGE, demoImage(i) as unknown as YamlValue & { kind: string });
  return written;
};

/** The sample data the policies back up. */
export const writeDemoData = async (layout: DemoLayout): Promise<void> => {
  await writeDemoTree(join(layout.data, 'office-share'), officeShareTree());
  await writeDemoTree(join(layout.data, 'pos-config'), posConfigTree());
};
