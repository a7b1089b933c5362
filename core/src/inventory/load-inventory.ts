import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_LIMITS,
  type LoadedDocument,
  type LoadLimits,
  loadYamlFast,
  problemIn,
  type SourceFile,
} from '../loader/index.js';
import type { Problem } from '../problem/index.js';
import { type BackupPolicy, type Image, type InventoryKind, KIND_DIRS, type Site } from '../schema/index.js';
import { checkSchema } from './check-schema.js';

/** A typed object with the document it came from, so any rule can position a problem in it. */
export interface Entry<T> {
  value: T;
  document: LoadedDocument;
}

export interface Inventory {
  /** Every document that parsed, typed or not. */
  documents: LoadedDocument[];
  sites: Entry<Site>[];
  policies: Entry<BackupPolicy>[];
  images: Entry<Image>[];
}

export interface LoadInventoryResult {
  inventory: Inventory;
  /** Syntax and shape problems; semantic rules add theirs in validators. */
  problems: Problem[];
  /** How many files were read. */
  files: number;
}

export const INVENTORY_DIRS = Object.values(KIND_DIRS);
const DATA_FILE = /\.ya?ml$/i;

/** The `# yaml-language-server: $schema=` line each data file starts with, relative to the file. */
export const schemaHeader = (kind: InventoryKind, file: string): string => {
  const depth = file.split('/').length - 1;
  return `# yaml-language-server: $schema=${'../'.repeat(depth)}schemas/${kind}.schema.json`;
};

/** Build the inventory from files already in memory (a directory, a git tree, a test). */
export const loadInventoryFromFiles = (
  files: readonly SourceFile[],
  limits: LoadLimits = DEFAULT_LIMITS,
): LoadInventoryResult => {
  const inventory: Inventory = { documents: [], sites: [], policies: [], images: [] };
  const problems: Problem[] = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const loaded = loadYamlFast(file, limits);
    problems.push(...loaded.problems);
    if (!loaded.ok) continue;
    const document = loaded.document;
    inventory.documents.push(document);
    const checked = checkSchema(document);
    problems.push(...checked.problems);
    if (!checked.kind || checked.kind === 'RunRecord') continue;
    const kind = checked.kind;
    const folder = file.path.split('/')[0];
    if (folder !== KIND_DIRS[kind]) {
      problems.push(
        problemIn(
          document,
          ['kind'],
          'inventory.wrong-folder',
          `a ${kind} belongs in ${KIND_DIRS[kind]}/, not ${folder}/`,
        ),
      );
    }
    const expected = schemaHeader(kind, file.path);
    if (!document.text.startsWith(expected)) {
      problems.push({
        code: 'inventory.schema-header',
        severity: 'warning',
        message: `first line should be "${expected}" so editors check this file`,
        file: document.file,
        line: 1,
        col: 1,
        path: '',
      });
    }
    if (kind === 'Site') inventory.sites.push({ value: document.value as Site, document });
    else if (kind === 'BackupPolicy')
      inventory.policies.push({ value: document.value as BackupPolicy, document });
    else inventory.images.push({ value: document.value as Image, document });
  }
  return { inventory, problems, files: files.length };
};

/** Read `sites/`, `policies/` and `images/` under `root` and load them. */
export const loadInventory = async (
  root: string,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<LoadInventoryResult> => {
  const { files, problems } = await readInventoryFiles(root, limits);
  const result = loadInventoryFromFiles(files, limits);
  return { ...result, problems: [...problems, ...result.problems] };
};

/** Files open at once: thousands of reads in parallel exhaust a 256 or 1024 descriptor limit (EMFILE). */
const READ_CONCURRENCY = 32;

const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * Every entry below `dir` as a relative path, descending only into real directories: links are
 * listed but never entered, so a link cycle cannot make the walk endless (`readdir` with
 * `recursive` follows directory links, and two links to `.` would branch forever). A missing
 * folder is an empty one.
 */
const listEntries = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const child = rel === '' ? entry.name : path.join(rel, entry.name);
      if (entry.isDirectory()) pending.push(child);
      else out.push(child);
    }
  }
  return out;
};

/** Collect inventory files, refusing links that lead outside the root and files too big to read. */
export const readInventoryFiles = async (
  root: string,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<{ files: SourceFile[]; problems: Problem[] }> => {
  const realRoot = await realpath(root);
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const refuse = (file: string, code: string, message: string) =>
    problems.push({ code, severity: 'error', message, file, line: 1, col: 1, path: '' });
  for (const dir of INVENTORY_DIRS) {
    const names = await listEntries(path.join(root, dir));
    const wanted = names.filter((n) => DATA_FILE.test(n)).sort();
    await forEachLimited(wanted, READ_CONCURRENCY, async (name) => {
      const rel = `${dir}/${name.split(path.sep).join('/')}`;
      const abs = path.join(root, dir, name);
      try {
        const real = await realpath(abs);
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          refuse(rel, 'inventory.outside-root', 'file is a link to a path outside the inventory; refused');
          return;
        }
        const info = await stat(real);
        if (!info.isFile()) return;
        if (info.size > limits.maxFileBytes) {
          refuse(
            rel,
            'yaml.too-large',
            `file is ${info.size} bytes, over the limit of ${limits.maxFileBytes} bytes`,
          );
          return;
        }
        files.push({ path: rel, content: await readFile(real) });
      } catch (err) {
        refuse(
          rel,
          'inventory.unreadable',
          `cannot read file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, problems };
};
