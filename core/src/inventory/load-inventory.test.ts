import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../loader/index.js';
import type { Problem } from '../problem/index.js';
import { loadInventory, loadInventoryFromFiles, readInventoryFiles, schemaHeader } from './load-inventory.js';
import { POLICY, SITE, withHeader } from './testing/documents.js';

const where = (problems: Problem[]) => problems.map((p) => `${p.code} ${p.file}:${p.line}:${p.col}`);

describe('schemaHeader', () => {
  it('points at schemas/ relative to the file, however deep it is', () => {
    expect(schemaHeader('Site', 'sites/lisle.yaml')).toBe(
      '# yaml-language-server: $schema=../schemas/Site.schema.json',
    );
    expect(schemaHeader('Image', 'images/kvm/sd.yaml')).toBe(
      '# yaml-language-server: $schema=../../schemas/Image.schema.json',
    );
  });
});

describe('loadInventoryFromFiles', () => {
  it('sorts valid documents into sites, policies and images', () => {
    const result = loadInventoryFromFiles([
      {
        path: 'policies/lisle-share.yaml',
        content: withHeader('BackupPolicy', 'policies/lisle-share.yaml', POLICY),
      },
      { path: 'sites/lisle.yaml', content: withHeader('Site', 'sites/lisle.yaml', SITE) },
    ]);
    expect(result.problems).toEqual([]);
    expect(result.files).toBe(2);
    expect(result.inventory.sites.map((e) => e.value.metadata.name)).toEqual(['lisle']);
    expect(result.inventory.policies.map((e) => e.document.file)).toEqual(['policies/lisle-share.yaml']);
    expect(result.inventory.documents).toHaveLength(2);
  });

  it('warns at 1:1 when the schema header is missing or wrong, and still uses the object', () => {
    const result = loadInventoryFromFiles([
      { path: 'sites/lisle.yaml', content: SITE },
      { path: 'sites/sub/portage.yaml', content: withHeader('Site', 'sites/portage.yaml', SITE) },
    ]);
    expect(result.problems.map((p) => `${p.severity} ${p.code} ${p.file}:${p.line}:${p.col}`)).toEqual([
      'warning inventory.schema-header sites/lisle.yaml:1:1',
      'warning inventory.schema-header sites/sub/portage.yaml:1:1',
    ]);
    expect(result.problems[1]?.message).toBe(
      'first line should be "# yaml-language-server: $schema=../../schemas/Site.schema.json" so editors check this file',
    );
    expect(result.inventory.sites).toHaveLength(2);
  });

  it('reports an object in the wrong folder at its kind', () => {
    const file = 'policies/lisle.yaml';
    const result = loadInventoryFromFiles([{ path: file, content: withHeader('Site', file, SITE) }]);
    expect(where(result.problems)).toEqual(['inventory.wrong-folder policies/lisle.yaml:3:7']);
    expect(result.problems[0]?.message).toBe('a Site belongs in sites/, not policies/');
  });

  it('keeps going after a broken file: every file is reported in one run', () => {
    const result = loadInventoryFromFiles([
      { path: 'sites/a.yaml', content: 'a: [1\n' },
      { path: 'sites/b.yaml', content: '' },
      {
        path: 'sites/c.yaml',
        content: withHeader('Site', 'sites/c.yaml', SITE.replace('kind: Site', 'kind: Sight')),
      },
      { path: 'sites/d.yaml', content: withHeader('Site', 'sites/d.yaml', SITE) },
    ]);
    expect(result.problems.map((p) => `${p.code} ${p.file}`)).toEqual([
      'yaml.syntax sites/a.yaml',
      'yaml.empty sites/b.yaml',
      'schema.kind sites/c.yaml',
    ]);
    expect(result.inventory.sites.map((e) => e.document.file)).toEqual(['sites/d.yaml']);
  });

  it('keeps objects with shape errors out of the typed lists', () => {
    const result = loadInventoryFromFiles([
      {
        path: 'sites/a.yaml',
        content: withHeader('Site', 'sites/a.yaml', SITE.replace('nas: []', 'nas: 5')),
      },
    ]);
    expect(result.inventory.sites).toEqual([]);
    expect(result.inventory.documents).toHaveLength(1);
  });
});

describe('loadInventory from a directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lifeboat-inventory-'));
    mkdirSync(path.join(root, 'sites', 'nested'), { recursive: true });
    mkdirSync(path.join(root, 'policies'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const put = (file: string, text: string) => writeFileSync(path.join(root, file), text);

  it('reads .yaml and .yml files in the three folders, recursively, with root-relative paths', async () => {
    put('sites/lisle.yaml', withHeader('Site', 'sites/lisle.yaml', SITE));
    put(
      'sites/nested/portage.yml',
      withHeader('Site', 'sites/nested/portage.yml', SITE.replace('lisle', 'portage')),
    );
    put('sites/README.md', '# not data');
    put('policies/lisle-share.yaml', withHeader('BackupPolicy', 'policies/lisle-share.yaml', POLICY));
    put('other.yaml', 'not: read');
    const result = await loadInventory(root);
    expect(result.problems).toEqual([]);
    expect(result.files).toBe(3);
    expect(result.inventory.documents.map((d) => d.file)).toEqual([
      'policies/lisle-share.yaml',
      'sites/lisle.yaml',
      'sites/nested/portage.yml',
    ]);
  });

  it('treats missing folders as empty', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'lifeboat-empty-'));
    try {
      expect(await loadInventory(empty)).toMatchObject({ files: 0, problems: [] });
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('refuses a link that leads outside the root, without reading it', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'lifeboat-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.yaml'), 'password: hunter2\n');
      symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'sites', 'evil.yaml'));
      symlinkSync('/etc/passwd', path.join(root, 'sites', 'passwd.yaml'));
      const result = await loadInventory(root);
      expect(where(result.problems)).toEqual([
        'inventory.outside-root sites/evil.yaml:1:1',
        'inventory.outside-root sites/passwd.yaml:1:1',
      ]);
      expect(result.problems[0]?.message).toBe('file is a link to a path outside the inventory; refused');
      expect(JSON.stringify(result)).not.toContain('hunter2');
    } finally {
      rmSync(outside, { recursive: true });
    }
  });

  it('follows a link that stays inside the root', async () => {
    put('policies/real.yaml', withHeader('BackupPolicy', 'policies/real.yaml', POLICY));
    symlinkSync(path.join(root, 'policies', 'real.yaml'), path.join(root, 'policies', 'alias.yaml'));
    const result = await loadInventory(root);
    expect(result.files).toBe(2);
    expect(result.problems.filter((p) => p.code === 'inventory.outside-root')).toEqual([]);
  });

  it('never enters linked directories, so link cycles end (two links to "." once branched forever)', async () => {
    put('sites/lisle.yaml', withHeader('Site', 'sites/lisle.yaml', SITE));
    symlinkSync('.', path.join(root, 'sites', 'loop-a'));
    symlinkSync('..', path.join(root, 'sites', 'loop-b'));
    symlinkSync('/etc', path.join(root, 'sites', 'etc'));
    const result = await loadInventory(root);
    expect(result.files).toBe(1);
    expect(result.problems).toEqual([]);
  });

  it('reads thousands of files without running out of file descriptors', async () => {
    for (let i = 0; i < 1500; i++) put(`sites/nested/s${i}.yaml`, 'a: 1\n');
    const { files, problems } = await readInventoryFiles(root);
    expect(problems).toEqual([]);
    expect(files).toHaveLength(1500);
  });

  it('refuses a file over the size limit from its size on disk', async () => {
    put('sites/huge.yaml', `a: "${'x'.repeat(2000)}"\n`);
    const { files, problems } = await readInventoryFiles(root, { ...DEFAULT_LIMITS, maxFileBytes: 1000 });
    expect(files).toEqual([]);
    expect(where(problems)).toEqual(['yaml.too-large sites/huge.yaml:1:1']);
    expect(problems[0]?.message).toBe('file is 2006 bytes, over the limit of 1000 bytes');
  });

  it('skips a FIFO instead of blocking on it', async () => {
    execFileSync('mkfifo', [path.join(root, 'sites', 'pipe.yaml')]);
    const result = await loadInventory(root);
    expect(result.files).toBe(0);
  });

  it('skips a directory whose name looks like a data file', async () => {
    mkdirSync(path.join(root, 'sites', 'dir.yaml'));
    expect((await loadInventory(root)).files).toBe(0);
  });
});
