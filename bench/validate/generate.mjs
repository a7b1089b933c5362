// Writes a synthetic but valid inventory (sites, policies, images) so the validate benchmark has realistic input.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_COUNTS = { sites: 200, policies: 5000, images: 500 };

const TIMEZONES = [
  'America/Chicago',
  'America/New_York',
  'America/Detroit',
  'America/Indiana/Indianapolis',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Toronto',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Tokyo',
  'UTC',
];
const ENVIRONMENTS = ['office', 'grocery', 'hospitality', 'datacenter', 'lab'];
const SITE_PREFIX = {
  office: 'office',
  grocery: 'grocery-store',
  hospitality: 'hotel',
  datacenter: 'dc',
  lab: 'lab',
};
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FILESYSTEMS = ['ext4', 'xfs', 'ntfs', 'btrfs'];
const PROMOTION = ['candidate', 'verified', 'approved', 'deployed', 'retired'];

/** Deterministic PRNG (mulberry32): the same seed always writes the same inventory. */
const random = (seed) => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, int, pick, chance: (p) => next() < p };
};

const pad = (n, width) => String(n).padStart(width, '0');
const header = (kind) => `# yaml-language-server: $schema=../schemas/${kind}.schema.json`;
const list = (items) => `[${items.join(', ')}]`;
const q = (s) => `'${s}'`;
const slackId = (prefix, n) => `${prefix}07${pad(n.toString(36).toUpperCase(), 6)}`;

/**
 * Backup schedules with their longest gap in hours, so the RPO can be set at or above it.
 * Heavy jobs (prune, check, offsite, drills) always run 00:00–03:59 local, inside every site's window.
 */
const backupSchedule = (r) => {
  const m = r.int(0, 59);
  switch (r.int(0, 6)) {
    case 0:
      return { cron: `${m} * * * *`, hours: 1 };
    case 1:
      return { cron: `${m} */2 * * *`, hours: 2 };
    case 2:
      return { cron: `${m} */4 * * *`, hours: 4 };
    case 3:
      return { cron: `${m} */6 * * *`, hours: 6 };
    case 4: {
      const h = r.int(0, 11);
      return { cron: `${m} ${h},${h + 12} * * *`, hours: 12 };
    }
    case 5:
      return { cron: `${m} 6-22/2 * * *`, hours: 8 };
    default:
      return { cron: `${m} ${r.int(0, 23)} * * *`, hours: 24 };
  }
};

const nightTime = (r) => `${r.int(0, 59)} ${r.int(0, 3)}`;

const retentionFor = (r, minimum) => {
  const keys = { ...minimum };
  // At or above the data class's minimum; sometimes extra rules a real policy would carry.
  for (const [k, v] of Object.entries(keys)) keys[k] = v + r.pick([0, 0, 1, 2, 5, 10]);
  if (r.chance(0.3) && keys.keepLast === undefined) keys.keepLast = r.int(3, 12);
  if (r.chance(0.2) && keys.keepHourly === undefined) keys.keepHourly = r.int(12, 48);
  if (r.chance(0.15) && keys.keepYearly === undefined) keys.keepYearly = r.int(1, 7);
  if (r.chance(0.1)) keys.keepWithin = r.pick(['2d', '7d', '14d', '1w']);
  const order = [
    'keepLast',
    'keepHourly',
    'keepDaily',
    'keepWeekly',
    'keepMonthly',
    'keepYearly',
    'keepWithin',
  ];
  return order.filter((k) => keys[k] !== undefined).map((k) => `    ${k}: ${keys[k]}`);
};

const checkFor = (r) => {
  if (r.chance(0.5)) {
    const subsets = r.pick([2, 4, 5]);
    return { cron: `${nightTime(r)} * * ${r.int(0, 6)}`, subsets, days: subsets * 7 + r.int(0, 7) };
  }
  const subsets = r.int(5, 14);
  return { cron: `${nightTime(r)} * * *`, subsets, days: subsets + r.int(0, 5) };
};

const hours = (n) => (n % 24 === 0 ? `${n / 24}d` : `${n}h`);

const siteYaml = (site, r) => {
  const windowStart = `${pad(r.int(21, 23), 2)}:${r.pick(['00', '30'])}`;
  const windowEnd = `${pad(r.int(4, 5), 2)}:${r.pick(['00', '30', '45'])}`;
  return `${header('Site')}
apiVersion: lifeboat/v1
kind: Site
metadata:
  name: ${site.name}
  title: ${site.title}
  labels:
    region: ${site.region}
spec:
  timezone: ${site.timezone}
  environment: ${site.environment}
  address: ${r.int(100, 9999)} Commerce Dr, Unit ${r.int(1, 40)}
  runner:
    labels: [self-hosted, linux, lifeboat, site-${site.name}]
    stateDir: /var/lib/lifeboat
    sandboxDir: /srv/lifeboat-drill
  nas:
    - name: ${site.name}-nas
      repository: rest:https://nas01.${site.name}.bench.example:8000/
      credentials:
        passwordEnv: RESTIC_PASSWORD_${site.name.toUpperCase().replaceAll('-', '_')}
        envFrom: [RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD]
      capacityGiB: ${r.pick([2000, 4000, 8000, 16000])}
      appendOnly: ${r.chance(0.7)}
    - name: ${site.name}-replica
      repository: ${r.chance(0.5) ? `sftp:lifeboat@nas02.${site.name}.bench.example:/volume1/restic` : `s3:https://s3.us-east-2.bench.example/lifeboat-${site.name}`}
      credentials:
        passwordCommand: [/usr/bin/systemd-creds, decrypt, /etc/lifeboat/creds/${site.name}-replica.cred, '-']
        envFrom: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
  offsite:
    - name: ${site.name}-cloud
      remote: ${r.pick(['b2offsite', 'wasabi'])}
      path: lifeboat-bench/${site.name}
      bwlimit: ${r.pick(['4M', '10M', '20M', '40M'])}
      envFrom: [RCLONE_CONFIG_OFFSITE_TYPE, RCLONE_CONFIG_OFFSITE_ACCOUNT, RCLONE_CONFIG_OFFSITE_KEY]
  maintenanceWindows:
    - name: nightly
      days: ${list(WEEKDAYS)}
      start: '${windowStart}'
      end: '${windowEnd}'
    - name: weekend
      days: [sat, sun]
      start: '06:00'
      end: '${r.pick(['12:00', '14:00', '18:00'])}'
  access:
    approvers: ${list(site.approvers)}
    requesters: ${list(site.requesters)}
  contacts:
    - name: Site Lead ${site.index}
      role: Site lead
      email: lead.${site.name}@bench.example
      phone: +1 555 01${pad(site.index % 100, 2)}
      slack: ${site.approvers[0]}
`;
};

const policyYaml = (policy, site, r, dataClasses) => {
  const cls = dataClasses[policy.dataClass];
  const schedule = backupSchedule(r);
  const rpoHours = Math.ceil(schedule.hours * r.pick([1, 1.5, 2, 3]));
  const rto = r.pick(['2h', '4h', '8h', '12h', '1d']);
  const check = checkFor(r);
  const withObjectives = cls.critical || r.chance(0.5);
  const withOffsite = cls.critical || r.chance(0.5);
  const explicitTz = r.chance(0.2);
  const lines = [
    header('BackupPolicy'),
    'apiVersion: lifeboat/v1',
    'kind: BackupPolicy',
    'metadata:',
    `  name: ${policy.name}`,
    `  title: ${policy.dataClass} backup ${policy.index} at ${site.title}`,
    '  labels:',
    `    owner: team-${policy.index % 17}`,
    'spec:',
    `  site: ${site.name}`,
    `  dataClass: ${policy.dataClass}`,
    `  host: ${policy.host}`,
    `  tags: ${list(policy.tags)}`,
    '  sources:',
    `    paths: ${list(policy.paths)}`,
    `    exclude: ['*.tmp', '*.partial'${r.chance(0.5) ? ", '.cache'" : ''}]`,
    `    oneFileSystem: ${r.chance(0.6)}`,
  ];
  if (policy.dataClass === 'database') {
    lines.push(
      '  hooks:',
      '    pre:',
      `      command: [/usr/bin/pg_dump, --format=custom, '--file=/var/backups/${policy.name}/db.dump', --dbname=app]`,
      `      timeout: ${r.pick(['10m', '20m', '45m', '1h'])}`,
      '      env: [PGHOST, PGUSER, PGPASSFILE]',
      `      workingDir: /var/backups/${policy.name}`,
    );
  }
  lines.push(
    '  repository:',
    `    target: ${policy.target}`,
    `    path: ${policy.repoPath}`,
    '  schedule:',
    `    cron: ${q(schedule.cron)}`,
    ...(explicitTz ? [`    timezone: ${site.timezone}`] : []),
    '  retention:',
    ...retentionFor(r, cls.minRetention),
    '  prune:',
    '    schedule:',
    `      cron: ${q(`${nightTime(r)} * * ${r.int(0, 6)}`)}`,
    `    maxUnused: ${r.pick(['5%', '10%', '15%'])}`,
    '  check:',
    '    schedule:',
    `      cron: ${q(check.cron)}`,
    `    subsets: ${check.subsets}`,
    `    readAllWithinDays: ${check.days}`,
  );
  if (withOffsite) {
    lines.push(
      '  offsite:',
      `    remote: ${site.name}-cloud`,
      '    schedule:',
      `      cron: ${q(`${nightTime(r)} * * *`)}`,
    );
  }
  if (withObjectives) {
    const kind = r.pick(['sample', 'full']);
    lines.push(
      '  objectives:',
      `    rpo: ${hours(rpoHours)}`,
      `    rto: ${rto}`,
      '  drill:',
      '    schedule:',
      `      cron: ${q(r.chance(0.5) ? `${nightTime(r)} * * ${r.int(0, 6)}` : `${nightTime(r)} ${r.int(1, 28)} * *`)}`,
      `    kind: ${kind}`,
      ...(kind === 'sample' ? [`    sampleFiles: ${r.pick([50, 100, 200, 500])}`] : []),
      `    sandbox: /srv/lifeboat-drill/${policy.name}`,
    );
  }
  lines.push(
    '  restore:',
    `    approval: ${r.pick(['required', 'in-place-only', 'none'])}`,
    `    approvers: ${list(site.approvers.slice(0, r.int(1, site.approvers.length)))}`,
    `    requesters: ${list(site.requesters.slice(0, r.int(1, site.requesters.length)))}`,
    `    alternateTarget: /srv/lifeboat-restore/${policy.name}`,
    `    allowInPlace: ${r.chance(0.3)}`,
  );
  return `${lines.join('\n')}\n`;
};

const imageYaml = (image, site, replicaSite, r) => {
  const gpt = image.index % 2 === 0;
  const checksumMode = r.pick([0, 1]);
  const partitions = gpt
    ? [
        { number: 1, name: 'efi', filesystem: 'vfat', sizeMiB: r.pick([260, 512]), role: 'efi' },
        {
          number: 2,
          name: 'os',
          filesystem: r.pick(FILESYSTEMS),
          sizeMiB: r.pick([40960, 81920, 122880]),
          role: 'os',
        },
      ]
    : [
        { number: 1, name: 'boot', filesystem: 'vfat', sizeMiB: 256, role: 'boot' },
        { number: 2, name: 'rootfs', filesystem: 'ext4', sizeMiB: r.pick([3584, 7168, 14336]), role: 'root' },
      ];
  if (gpt && r.chance(0.3))
    partitions.push({ number: 3, name: 'data', filesystem: 'ext4', sizeMiB: 16384, role: 'data' });
  const total = partitions.reduce((s, p) => s + p.sizeMiB, 0);
  const sizeMiB = gpt ? total + r.pick([2, 512, 4096]) : total + r.pick([2, 64, 156]);
  const lines = [
    header('Image'),
    'apiVersion: lifeboat/v1',
    'kind: Image',
    'metadata:',
    `  name: ${image.name}`,
    `  title: ${image.deviceClass} image ${image.index}`,
    'spec:',
    `  site: ${site.name}`,
    `  deviceClass: ${image.deviceClass}`,
    `  version: '${2024 + (image.index % 3)}.${pad(r.int(1, 12), 2)}.${r.int(0, 9)}'`,
    '  source:',
    `    device: ${gpt ? '/dev/nvme0n1' : '/dev/mmcblk0'}`,
    `    sizeMiB: ${sizeMiB}`,
    `  partitionTable: ${gpt ? 'gpt' : 'mbr'}`,
    '  partitions:',
    ...partitions.flatMap((p) => [
      `    - number: ${p.number}`,
      `      name: ${p.name}`,
      `      filesystem: ${p.filesystem}`,
      `      sizeMiB: ${p.sizeMiB}`,
      `      role: ${p.role}`,
    ]),
    '  capture:',
    "    partclone: '0.3.23'",
    `    checksumMode: ${checksumMode}`,
    '    compression: zstd',
    `    level: ${r.pick([1, 3, 6, 9])}`,
    '  stores:',
    '    primary:',
    `      site: ${site.name}`,
    `      target: ${site.name}-nas`,
    `      path: images/${image.deviceClass}`,
    '    replicas:',
    `      - site: ${replicaSite.name}`,
    `        target: ${replicaSite.name}-nas`,
    `        path: replicas/${site.name}/${image.deviceClass}`,
    '    offsite:',
    `      - site: ${site.name}`,
    `        remote: ${site.name}-cloud`,
    '  retention:',
    `    keepVersions: ${r.int(2, 6)}`,
    '  verification:',
    '    hash: sha256',
    '    recaptureHash: true',
    '    fsck: true',
    `    chkimg: ${checksumMode === 1}`,
  ];
  if (!gpt) {
    lines.push('  sdCard:', '    zeroEnds: true', '    readBackVerify: true', `    minCardMiB: ${sizeMiB}`);
  }
  lines.push(
    '  objectives:',
    `    rto: ${r.pick(['2h', '4h', '8h'])}`,
    '  drill:',
    '    schedule:',
    `      cron: ${q(`${nightTime(r)} * * ${r.int(0, 6)}`)}`,
    `    sandbox: /srv/lifeboat-drill/${image.name}`,
    `  promotion: ${r.pick(PROMOTION)}`,
    `  approvers: ${list(site.approvers)}`,
  );
  return `${lines.join('\n')}\n`;
};

/**
 * Write `sites/`, `policies/` and `images/` under `dir`. `dataClasses` is core's DATA_CLASSES table,
 * passed in so retention follows the real minimums whichever build (sources or dist) the caller uses.
 */
export const generateInventory = async (dir, { dataClasses, counts = DEFAULT_COUNTS, seed = 20260114 }) => {
  const r = random(seed);
  const classNames = Object.keys(dataClasses);
  const sites = [];
  for (let i = 0; i < counts.sites; i++) {
    const environment = ENVIRONMENTS[i % ENVIRONMENTS.length];
    const name = `${SITE_PREFIX[environment]}-${pad(i + 1, 3)}`;
    sites.push({
      index: i + 1,
      name,
      environment,
      title: `${environment[0].toUpperCase()}${environment.slice(1)} site ${i + 1}`,
      region: `region-${i % 12}`,
      timezone: TIMEZONES[i % TIMEZONES.length],
      approvers: [
        slackId('U', i * 10 + 1),
        slackId('U', i * 10 + 2),
        ...(i % 3 === 0 ? [slackId('U', i * 10 + 3)] : []),
      ],
      requesters: [slackId('U', i * 10 + 4), slackId('U', i * 10 + 5), slackId('S', i)],
    });
  }

  const policies = [];
  for (let i = 0; i < counts.policies; i++) {
    const site = sites[i % sites.length];
    const dataClass = classNames[i % classNames.length];
    const name = `${site.name}-${dataClass}-${pad(i + 1, 4)}`;
    // Every fifth policy shares its predecessor's repository (same site), scoped by its own host and tag.
    const shareWith = i % 5 === 4 && i >= sites.length ? policies[i - sites.length] : undefined;
    policies.push({
      index: i + 1,
      name,
      site,
      dataClass,
      host: `${site.name}-host${pad(i + 1, 4)}`,
      tags: [dataClass, `p${i + 1}`],
      paths: dataClass === 'database' ? [`/var/backups/${name}`] : [`/srv/data/${name}`, `/etc/${dataClass}`],
      target: shareWith ? shareWith.target : r.chance(0.8) ? `${site.name}-nas` : `${site.name}-replica`,
      repoPath: shareWith ? shareWith.repoPath : `restic/${name}`,
    });
  }

  const images = [];
  for (let i = 0; i < counts.images; i++) {
    const site = sites[i % sites.length];
    const deviceClass =
      i % 2 === 0
        ? r.pick(['office-workstation', 'pos-terminal', 'kiosk'])
        : r.pick(['hp-kvm', 'sensor-gateway']);
    images.push({ index: i + 1, name: `${deviceClass}-${pad(i + 1, 4)}`, site, deviceClass });
  }

  await Promise.all(
    ['sites', 'policies', 'images'].map((d) => mkdir(path.join(dir, d), { recursive: true })),
  );
  const writes = [
    ...sites.map((s) => [`sites/${s.name}.yaml`, siteYaml(s, r)]),
    ...policies.map((p) => [`policies/${p.name}.yaml`, policyYaml(p, p.site, r, dataClasses)]),
    ...images.map((img, i) => [
      `images/${img.name}.yaml`,
      imageYaml(img, img.site, sites[(i + 1) % sites.length], r),
    ]),
  ];
  // Bounded batches: thousands of concurrent writes would exhaust file handles.
  for (let i = 0; i < writes.length; i += 256) {
    await Promise.all(writes.slice(i, i + 256).map(([rel, text]) => writeFile(path.join(dir, rel), text)));
  }
  return { sites: sites.length, policies: policies.length, images: images.length, files: writes.length };
};

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node bench/validate/generate.mjs <output-dir>\n');
    process.exit(2);
  }
  const { DATA_CLASSES } = await import('../../core/dist/index.js');
  const result = await generateInventory(dir, { dataClasses: DATA_CLASSES });
  process.stdout.write(`wrote ${result.files} files to ${dir}\n`);
}
