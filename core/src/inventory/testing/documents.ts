import { schemaHeader } from '../load-inventory.js';

// Smallest valid documents of each kind, as text, so a test can break exactly one thing in them.

export const SITE = `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lisle
spec:
  timezone: America/Chicago
  environment: office
  runner:
    labels: [lisle]
  nas: []
  access:
    approvers: []
    requesters: []
`;

export const POLICY = `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: lisle-share
spec:
  site: lisle
  dataClass: office-share
  sources:
    paths: [/srv/share]
  repository:
    target: lisle-nas
    path: share
  schedule:
    cron: "0 * * * *"
  retention:
    keepDaily: 7
`;

/** The text with its schema header, as every committed data file has. */
export const withHeader = (kind: 'Site' | 'BackupPolicy' | 'Image', file: string, text: string) =>
  `${schemaHeader(kind, file)}\n${text}`;

/** A site with every optional field set, so tests can reach every part of the schema. */
export const FULL_SITE = `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lisle
  title: Lisle office
  description: Head office.
  labels:
    region: us-central
    tier/backup: gold
spec:
  timezone: America/Chicago
  environment: office
  address: 1 Main St
  runner:
    labels: [self-hosted, lisle]
    stateDir: /var/lib/lifeboat
    sandboxDir: /srv/lifeboat-drill
  nas:
    - name: lisle-nas
      repository: rest:https://nas01.lisle.example:8000/
      credentials:
        passwordEnv: RESTIC_PASSWORD_LISLE
        passwordCommand: [/usr/bin/systemd-creds, decrypt, /etc/lifeboat/nas.cred]
        envFrom: [RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD]
      capacityGiB: 2000.5
      appendOnly: true
  offsite:
    - name: lisle-cloud
      remote: b2offsite
      path: lifeboat/lisle
      bwlimit: 4.5M
      envFrom: [RCLONE_CONFIG_OFFSITE_KEY]
  maintenanceWindows:
    - name: nightly
      days: [mon, tue, wed, thu, fri, sat, sun]
      start: '21:30'
      end: '05:30'
  access:
    approvers: [U0APPROVER1, S0GROUP001]
    requesters: [W0REQUESTER]
  contacts:
    - name: Site Lead
      role: Site lead
      email: lead@lisle.example
      phone: +1 555 0100
      slack: U0APPROVER1
`;

/** A policy with every optional field set. */
export const FULL_POLICY = `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: lisle-share
  title: Office share
spec:
  site: lisle
  dataClass: office-share
  host: files01
  tags: [office-share, p1]
  sources:
    paths: [/srv/share, /etc/share]
    exclude: ['*.tmp']
    oneFileSystem: true
  hooks:
    pre:
      command: [/usr/local/bin/dump, --fast]
      timeout: 30m
      env: [PGPASSFILE]
      workingDir: /srv
    post:
      command: [/usr/local/bin/cleanup]
      timeout: 1h
  repository:
    target: lisle-nas
    path: share/office
  schedule:
    cron: '0 * * * *'
    timezone: America/Chicago
  retention:
    keepLast: 3
    keepHourly: 24
    keepDaily: 7
    keepWeekly: 4
    keepMonthly: 6
    keepYearly: 1
    keepWithin: 1d12h
  prune:
    schedule:
      cron: '10 2 * * 0'
    maxUnused: 15%
  check:
    schedule:
      cron: '30 2 * * *'
    subsets: 7
    readAllWithinDays: 7
  offsite:
    remote: lisle-cloud
    schedule:
      cron: '0 3 * * *'
  objectives:
    rpo: 1h
    rto: 4h
  drill:
    schedule:
      cron: '0 4 * * 0'
    kind: sample
    sampleFiles: 50
    sandbox: /srv/drill/lisle-share
  restore:
    approval: required
    approvers: [U0APPROVER1]
    requesters: [U0REQUESTER]
    alternateTarget: /srv/restore/lisle-share
    allowInPlace: false
`;

/** An image with every optional field set. */
export const FULL_IMAGE = `apiVersion: lifeboat/v1
kind: Image
metadata:
  name: kvm-sd
spec:
  site: lisle
  deviceClass: hp-kvm
  version: 2024.06.1
  source:
    device: /dev/mmcblk0
    file: /srv/images/kvm.img
    sizeMiB: 7600
  partitionTable: gpt
  partitions:
    - number: 1
      name: efi
      filesystem: vfat
      sizeMiB: 256
      role: efi
    - number: 2
      name: root
      filesystem: ext4
      role: root
  capture:
    partclone: 0.3.23
    checksumMode: 1
    compression: zstd
    level: 9
  stores:
    primary:
      site: lisle
      target: lisle-nas
      path: images/kvm-sd
    replicas:
      - site: portage
        target: portage-nas
        path: replicas/kvm-sd
    offsite:
      - site: lisle
        remote: lisle-cloud
  retention:
    keepVersions: 3
  verification:
    hash: sha256
    recaptureHash: true
    fsck: true
    chkimg: true
  sdCard:
    zeroEnds: true
    readBackVerify: true
    minCardMiB: 7600
  objectives:
    rto: 2h
  drill:
    schedule:
      cron: '38 2 * * 2'
      timezone: America/Chicago
    sandbox: /srv/lifeboat-drill/kvm-sd
  promotion: approved
  approvers: [U0APPROVER1]
`;
