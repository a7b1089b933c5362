import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadInventory, nextRuns, parseDuration } from '@lifeboat/core';
import { writeRunRecord } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord } from '../../../runners/src/ledger/testing/records.js';
import { buildPages, generateDocs } from './generate-docs.js';
import { changedFiles, copyExampleInventory, readTree } from './testing/example-inventory.js';
import { formatInZone } from './words/time-words.js';

let root: string;
let cleanup: () => Promise<void>;
const NOW = new Date('2026-03-10T12:00:00Z');

beforeAll(async () => {
  ({ root, cleanup } = await copyExampleInventory());
});
afterAll(async () => cleanup());

const pageOf = async (file: string, options: { stateDir?: string; now?: Date } = {}) => {
  const built = await buildPages({ root, outDir: path.join(root, 'unused'), now: NOW, ...options });
  const found = built.files.find((f) => f.path === file);
  if (!found) throw new Error(`no page ${file}`);
  return found.content;
};

describe('policy page', () => {
  it('states the YAML facts: schedule in words, next runs, retention, objectives, repository', async () => {
    const inventory = (await loadInventory(root)).inventory;
    const policy = inventory.policies.find((p) => p.value.metadata.name === 'lisle-finance-share')?.value;
    const site = inventory.sites.find((s) => s.value.metadata.name === 'lisle')?.value;
    if (!policy || !site) throw new Error('example inventory changed');
    const page = await pageOf('policies/lisle-finance-share.md');
    expect(page).toContain(`cron \`${policy.spec.schedule.cron}\``);
    expect(page).toContain('every 2 hours at 15 minutes past, from 00:15 to 22:15, every day');
    for (const run of nextRuns(policy.spec.schedule.cron, site.spec.timezone, NOW, 3))
      expect(page).toContain(`- ${formatInZone(run, site.spec.timezone)}`);
    expect(page).toContain(
      `the last ${policy.spec.retention.keepHourly} hourly, ${policy.spec.retention.keepDaily} daily, ${policy.spec.retention.keepWeekly} weekly, ${policy.spec.retention.keepMonthly} monthly and ${policy.spec.retention.keepYearly} yearly snapshots`,
    );
    expect(parseDuration(policy.spec.objectives?.rpo ?? '')).toBe(4 * 3600);
    expect(page).toContain(`| RPO | ${policy.spec.objectives?.rpo} |`);
    expect(page).toContain(`| RTO | ${policy.spec.objectives?.rto} |`);
    const target = site.spec.nas.find((t) => t.name === policy.spec.repository.target);
    const repository = `${target?.repository.replace(/\/$/, '')}/${policy.spec.repository.path}/`;
    expect(page).toContain(`export RESTIC_REPOSITORY=${repository}`);
    expect(page).toContain(
      `restic restore latest --tag policy:lisle-finance-share --host ${policy.spec.host}`,
    );
    expect(page).toContain(
      'npx lifeboat run --site lisle --job restore --policy lisle-finance-share --snapshot latest',
    );
    expect(page).toContain(`export RESTIC_PASSWORD="$${target?.credentials.passwordEnv}"`);
  });

  it('never prints a secret value, only the variable names', async () => {
    const page = await pageOf('policies/lisle-finance-share.md');
    expect(page).not.toMatch(/RESTIC_PASSWORD=[^"]/);
  });

  it('passes a passwordCommand as restic splits it', async () => {
    const page = await pageOf('policies/lisle-images-offsite.md');
    expect(page).toContain(
      `export RESTIC_PASSWORD_COMMAND=''\\''/usr/bin/systemd-creds'\\'' '\\''decrypt'\\''`,
    );
  });
});

describe('site page', () => {
  it('has a Mermaid flowchart of where each copy goes and every policy', async () => {
    const page = await pageOf('sites/lisle/index.md');
    expect(page).toContain('```mermaid\nflowchart LR');
    expect(page).toMatch(/-->\|"lisle-finance-share → office-shares"\| n\d+/);
    expect(page).toContain('[lisle-finance-share](../../policies/lisle-finance-share.md)');
    expect(page).toContain('[what to restore first after losing the site](./recovery.md)');
  });
});

describe('recovery page', () => {
  it('restores critical data first, shortest RTO first', async () => {
    const page = await pageOf('sites/lisle/recovery.md');
    const order = [...page.matchAll(/^\| \d+ \| \[([a-z0-9-]+)\]/gm)].map((m) => m[1]);
    expect(order[0]).toBe('lisle-embedded-device-configs'); // RTO 4h
    expect(order.indexOf('lisle-finance-share')).toBeLessThan(order.indexOf('lisle-general-share'));
  });
});

describe('image page', () => {
  it('shows SD-card flashing with verification for the KVM image', async () => {
    const page = await pageOf('images/hp-kvm-sdcard.md');
    expect(page).toContain('## Flash an SD card');
    expect(page).toContain(
      'partclone.vfat -c -a1 -s /dev/mmcblk0p1 -o - -L p1.log | zstd -c -T0 -9 > p1-boot.pcl.zst',
    );
    expect(page).toContain('zstd -dc p2-rootfs.pcl.zst | partclone.ext4 -r -s - -O /dev/mmcblk0p2');
    expect(page).toContain('**approved**');
    expect(page).toContain('7450 * 1024 * 1024');
  });
});

describe('status page', () => {
  it('compares backup age with the RPO and drills with the RTO from run records', async () => {
    const state = path.join(root, 'state');
    await writeRunRecord(state, makeRecord({ startedAt: '2026-03-10T10:15:00Z' }));
    await writeRunRecord(
      state,
      makeRecord({
        startedAt: '2026-03-08T13:00:00Z',
        job: 'drill',
        durationSeconds: 600,
        verification: { passed: true, method: 'full' },
        rto: { measuredSeconds: 600, objectiveSeconds: 28_800, met: true },
      }),
    );
    await writeRunRecord(
      state,
      makeRecord({
        startedAt: '2026-03-09T10:00:00Z',
        policy: 'lisle-general-share',
        outcome: 'failed',
        error: { code: 'restic.locked', message: 'locked' },
      }),
    );
    const page = await pageOf('status.md', { stateDir: state });
    expect(page).toMatch(/🟢 green.*lisle-finance-share.*\| 1h 45m ago \/ RPO 4h \|/);
    expect(page).toContain('2026-03-08: took 10m / RTO 8h');
    expect(page).toMatch(/🔴 red.*lisle-general-share/);
    expect(page).toContain('[restic.locked](./troubleshooting.md#restic-locked)');
    const policyPage = await pageOf('policies/lisle-finance-share.md', { stateDir: state });
    expect(policyPage).toContain('| 2026-03-08 13:00 UTC | ok | 600 s | passed: full | — |');
    // Without a `now`, the newest record is "now": never the wall clock.
    const built = await buildPages({ root, outDir: 'unused', stateDir: state });
    expect(built.files.find((f) => f.path === 'status.md')?.content).toContain('As of 2026-03-10 10:15 UTC');
    expect(page).not.toContain('No run records were available');
  });

  it('says when red means "no evidence" because no run record was available at all', async () => {
    const empty = path.join(root, 'empty-state');
    await mkdir(empty, { recursive: true });
    const page = await pageOf('status.md', { stateDir: empty });
    expect(page).toContain('No run records were available where this site was built');
    expect(page).toMatch(/🔴 red.*lisle-finance-share/);
  });
});

describe('run records without --state-dir', () => {
  it("come from each site's runner.stateDir", async () => {
    const state = path.join(root, 'site-state');
    await writeRunRecord(state, makeRecord({ startedAt: '2026-03-10T11:15:00Z' }));
    const file = path.join(root, 'sites', 'lisle.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace('stateDir: /var/lib/lifeboat', `stateDir: ${state}`));
    try {
      const page = await pageOf('status.md');
      expect(page).toMatch(/lisle-finance-share.*\| 45m ago \/ RPO 4h \|/);
    } finally {
      await writeFile(file, yaml);
    }
  });
});

describe('troubleshooting page', () => {
  it('has one heading per catalogue code, anchored with dashes', async () => {
    const built = await buildPages({
      root,
      outDir: 'unused',
      now: NOW,
      catalogue: { 'restic.locked': { title: 'Locked', cause: 'A <lock>', fix: 'Wait | retry' } },
    });
    const page = built.files.find((f) => f.path === 'troubleshooting.md')?.content ?? '';
    expect(page).toContain('## restic.locked {#restic-locked}');
    expect(page).toContain('**Cause.** A \\<lock\\>');
    expect(page).toContain('**Fix.** Wait \\| retry');
  });
});

describe('the example inventory', () => {
  it('generates every page kind without problems, runbooks included', async () => {
    const built = await buildPages({ root, outDir: 'unused', now: NOW });
    expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const paths = built.files.map((f) => f.path);
    for (const page of [
      'index.md',
      'new-hire.md',
      'status.md',
      'troubleshooting.md',
      'sites/lisle/index.md',
      'sites/lisle/recovery.md',
      'policies/lisle-finance-share.md',
      'images/hp-kvm-sdcard.md',
      'sops/office-imaging.md',
      'sops/storage-and-backup.md',
      'sops/kvm-imaging.md',
      'runbooks/lisle-nas-failure.md',
      'runbooks/grocery-store-pos-recovery.md',
      'runbooks/kvm-sd-card-replacement.md',
    ])
      expect(paths).toContain(page);
    const trouble = built.files.find((f) => f.path === 'troubleshooting.md')?.content ?? '';
    // Runners', validators' and the runbook lint's codes are all there by default.
    expect(trouble).toContain('## restic.locked {#restic-locked}');
    expect(trouble).toContain('## runbook.missing-section {#runbook-missing-section}');
    expect(trouble).toContain('## yaml.duplicate-key {#yaml-duplicate-key}');
    // Links are relative with .md, so Docusaurus resolves them (and onBrokenLinks catches mistakes).
    const links = built.files.flatMap((f) =>
      [...f.content.matchAll(/\]\(([^)#]+\.md)(#[^)]*)?\)/g)].map((m) =>
        path.posix.join(path.posix.dirname(f.path), m[1] ?? ''),
      ),
    );
    for (const target of links) expect(paths, target).toContain(target);
  });
});

describe('home, new-hire and SOP pages', () => {
  it('link every site, a reading order, and the real images per SOP', async () => {
    const built = await buildPages({ root, outDir: 'unused', now: NOW });
    const get = (p: string) => built.files.find((f) => f.path === p)?.content ?? '';
    const home = get('index.md');
    expect(home).toContain('slug: /');
    for (const site of ['grocery-store-14', 'grocery-store-22', 'lisle', 'portage', 'saugatuck-inn'])
      expect(home).toContain(`(./sites/${site}/index.md)`);
    expect(home).toContain('[Lisle NAS failure](./runbooks/lisle-nas-failure.md)');
    const newHire = get('new-hire.md');
    expect(newHire).toMatch(/1\. \[Storage and backup\]\(\.\/sops\/storage-and-backup\.md\)/);
    expect(newHire).toContain('[A site: lisle](./sites/lisle/index.md)');
    expect(newHire).toContain('[A policy: lisle-finance-share](./policies/lisle-finance-share.md)');
    expect(get('sops/kvm-imaging.md')).toContain('(../images/hp-kvm-sdcard.md)');
    expect(get('sops/kvm-imaging.md')).toContain('| 7450 MiB | yes | yes |');
    expect(get('sops/office-imaging.md')).toContain('(../images/office-workstation-win11.md)');
    expect(get('sops/office-imaging.md')).not.toContain('hp-kvm-sdcard');
    expect(get('sops/storage-and-backup.md')).toContain(
      '| `lisle` |'.replace('`lisle`', '[lisle](../sites/lisle/index.md)'),
    );
  });
});

describe('generateDocs', () => {
  it('is byte-deterministic', async () => {
    const a = path.join(root, 'out-a');
    const b = path.join(root, 'out-b');
    const first = await generateDocs({ root, outDir: a, now: NOW });
    await generateDocs({ root, outDir: b, now: NOW });
    expect(first.files.length).toBeGreaterThan(20);
    expect(changedFiles(await readTree(a), await readTree(b))).toEqual([]);
  });

  it('a schedule change touches exactly its policy page, its site page and the status page', async () => {
    const before = path.join(root, 'out-before');
    const after = path.join(root, 'out-after');
    await generateDocs({ root, outDir: before, now: NOW });
    const file = path.join(root, 'policies', 'lisle-finance-share.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace("cron: '15 */2 * * *'", "cron: '45 */3 * * *'"));
    try {
      await generateDocs({ root, outDir: after, now: NOW });
    } finally {
      await writeFile(file, yaml);
    }
    const changed = changedFiles(await readTree(before), await readTree(after));
    expect(changed).toEqual(['policies/lisle-finance-share.md', 'sites/lisle/index.md', 'status.md']);
    expect((await readTree(after)).get('policies/lisle-finance-share.md')).toContain(
      'every 3 hours at 45 minutes past',
    );
  });

  it('removes stale pages it wrote before, and refuses a folder it did not write', async () => {
    const out = path.join(root, 'out-stale');
    await generateDocs({ root, outDir: out, now: NOW });
    const file = path.join(root, 'policies', 'portage-shared-drive.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, '');
    const { rm } = await import('node:fs/promises');
    await rm(file);
    try {
      const again = await generateDocs({ root, outDir: out, now: NOW });
      expect(again.files).not.toContain('policies/portage-shared-drive.md');
      expect((await readTree(out)).has('policies/portage-shared-drive.md')).toBe(false);
    } finally {
      await writeFile(file, yaml);
    }
    const foreign = path.join(root, 'foreign');
    await mkdir(foreign);
    await writeFile(path.join(foreign, 'notes.md'), 'mine');
    const refused = await generateDocs({ root, outDir: foreign, now: NOW });
    expect(refused.problems.map((p) => p.code)).toContain('docs.out-dir-not-generated');
    expect(await readFile(path.join(foreign, 'notes.md'), 'utf8')).toBe('mine');
  });
});
