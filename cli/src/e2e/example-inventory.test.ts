import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadInventoryResult, loadInventory, type Problem } from '@lifeboat/core';
import { beforeAll, describe, expect, it } from 'vitest';

// The organisation's own inventory is the first user of every rule: it must validate clean and cover the brief.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'cli/dist/main.js');

const show = (problems: readonly Problem[]) =>
  problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.severity} ${p.code} ${p.message}`);

describe('lifeboat validate on the repository inventory', () => {
  it('exits 0 with no errors or warnings in --format json', () => {
    const run = spawnSync(process.execPath, [MAIN, 'validate', '--root', ROOT, '--format', 'json'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { problems: Problem[] };
    const serious = report.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
    expect(show(serious)).toEqual([]);
    expect(run.status).toBe(0);
  });
});

describe('the inventory covers the organisation', () => {
  let loaded: LoadInventoryResult;
  beforeAll(async () => {
    loaded = await loadInventory(ROOT);
  });

  const sites = () => loaded.inventory.sites.map((e) => e.value);
  const policies = () => loaded.inventory.policies.map((e) => e.value);
  const images = () => loaded.inventory.images.map((e) => e.value);

  it('loads every file without a syntax or shape problem', () => {
    expect(show(loaded.problems)).toEqual([]);
    expect(loaded.files).toBe(loaded.inventory.sites.length + policies().length + images().length);
  });

  it('has the Lisle head office and the Portage site, each with a NAS', () => {
    const byName = new Map(sites().map((s) => [s.metadata.name, s]));
    for (const name of ['lisle', 'portage']) {
      const site = byName.get(name);
      expect(site, name).toBeDefined();
      expect(site?.spec.nas.length, `${name} NAS targets`).toBeGreaterThan(0);
    }
    expect(byName.get('lisle')?.spec.timezone).toBe('America/Chicago');
    expect(byName.get('lisle')?.spec.nas.some((t) => t.repository.startsWith('rest:https://'))).toBe(true);
  });

  it('has at least one grocery store with a cloud remote and one hospitality venue', () => {
    const grocery = sites().filter((s) => s.spec.environment === 'grocery');
    expect(grocery.length).toBeGreaterThanOrEqual(1);
    expect(grocery.some((s) => (s.spec.offsite ?? []).length > 0)).toBe(true);
    expect(sites().filter((s) => s.spec.environment === 'hospitality').length).toBeGreaterThanOrEqual(1);
  });

  it('has at least 8 policies covering the data classes the organisation relies on', () => {
    expect(policies().length).toBeGreaterThanOrEqual(8);
    const classes = new Set(policies().map((p) => p.spec.dataClass));
    for (const dataClass of [
      'office-share',
      'database',
      'pos-config',
      'firmware-config',
      'hypervisor',
      'image-offsite',
    ]) {
      expect(classes.has(dataClass as never), dataClass).toBe(true);
    }
  });

  it('dumps the hospitality database with a pre-backup hook and backs up the dump directory', () => {
    const hospitality = new Set(
      sites()
        .filter((s) => s.spec.environment === 'hospitality')
        .map((s) => s.metadata.name),
    );
    const dumps = policies().filter(
      (p) =>
        p.spec.dataClass === 'database' && hospitality.has(p.spec.site) && p.spec.hooks?.pre !== undefined,
    );
    expect(dumps.length).toBeGreaterThanOrEqual(1);
    for (const policy of dumps) {
      const program = policy.spec.hooks?.pre?.command[0] ?? '';
      expect(program, policy.metadata.name).toMatch(/(pg_dump|mysqldump|mariadb-dump)$/);
      expect(policy.spec.hooks?.pre?.timeout, policy.metadata.name).toBeDefined();
    }
  });

  it('gives firmware and configuration of embedded devices a 4-hour RTO with a drill', () => {
    const firmware = policies().filter((p) => p.spec.dataClass === 'firmware-config');
    expect(firmware.length).toBeGreaterThanOrEqual(1);
    expect(firmware.some((p) => p.spec.objectives?.rto === '4h' && p.spec.drill !== undefined)).toBe(true);
  });

  it('backs up the Proxmox dump directory', () => {
    expect(
      policies().some(
        (p) => p.spec.dataClass === 'hypervisor' && p.spec.sources.paths.includes('/var/lib/vz/dump'),
      ),
    ).toBe(true);
  });

  it('has at least two images: a GPT workstation image and an MBR SD-card image', () => {
    expect(images().length).toBeGreaterThanOrEqual(2);
    const gpt = images().filter((i) => i.spec.partitionTable === 'gpt');
    const mbr = images().filter((i) => i.spec.partitionTable === 'mbr');
    expect(gpt.some((i) => i.spec.partitions.some((p) => p.role === 'efi' && p.filesystem === 'vfat'))).toBe(
      true,
    );
    expect(
      mbr.some((i) => i.spec.sdCard !== undefined && i.spec.partitions.some((p) => p.role === 'root')),
    ).toBe(true);
  });

  it('pins partclone 0.3.23 with a checksum mode it supports', () => {
    for (const image of images()) {
      expect(image.spec.capture.partclone, image.metadata.name).toBe('0.3.23');
      expect([0, 1], image.metadata.name).toContain(image.spec.capture.checksumMode);
    }
  });
});
