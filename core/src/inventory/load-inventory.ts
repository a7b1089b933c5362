import {
  closeSync,
  type Dirent,
  constants as fsConstants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_LIMITS,
  type LoadedDocument,
  type LoadLimits,
  loadYamlFast,
  problemIn,
  type SourceFile,
  textStartsWith,
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
    if (!textStartsWith(document, expected)) {
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

/** What a walk found: a regular file, a symbolic link (to be resolved), or something never read. */
interface Found {
  name: string;
  kind: 'file' | 'link' | 'other';
}

/**
 * Every entry below `dir` as a relative path, descending only into real directories: links are
 * listed but never entered, so a link cycle cannot make the walk endless (`readdir` with
 * `recursive` follows directory links, and two links to `.` would branch forever). A missing
 * folder is an empty one.
 */
const listEntries = (dir: string): Found[] => {
  const out: Found[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const name = rel === '' ? entry.name : path.join(rel, entry.name);
      if (entry.isDirectory()) pending.push(name);
      else out.push({ name, kind: entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'link' : 'other' });
    }
  }
  return out;
};

// O_NONBLOCK: should a FIFO slip in between listing and opening, open returns at once and fstat
// says it is no file, instead of blocking until a writer appears.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * The bytes of a regular file, its size when over the limit, or undefined when it is not a file. Synchronous
 * and O_NONBLOCK on purpose (the inventory loader and the runners' ledger read many small files with it).
 */
export const readRegularFile = (file: string, maxBytes: number): Buffer | { size: number } | undefined => {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    if (info.size > maxBytes) return { size: info.size };
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Collect inventory files, refusing links that lead outside the root and files too big to read.
 * Synchronous on purpose: for thousands of small files one open/fstat/read/close each on the
 * main thread is about five times faster than queuing promises through libuv's thread pool, and
 * holding one descriptor at a time never runs into the descriptor limit.
 */
export const readInventoryFiles = async (
  root: string,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<{ files: SourceFile[]; problems: Problem[] }> => {
  const realRoot = realpathSync(root);
  const inside = (real: string) => real === realRoot || real.startsWith(realRoot + path.sep);
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const refuse = (file: string, code: string, message: string) =>
    problems.push({ code, severity: 'error', message, file, line: 1, col: 1, path: '' });
  for (const dir of INVENTORY_DIRS) {
    const top = path.join(root, dir);
    let topInside: boolean;
    try {
      topInside = inside(realpathSync(top));
    } catch {
      continue; // a missing folder is an empty one
    }
    const wanted = listEntries(top)
      .filter((e) => e.kind !== 'other' && DATA_FILE.test(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name, kind } of wanted) {
      const rel = `${dir}/${name.split(path.sep).join('/')}`;
      let file = path.join(top, name);
      try {
        // A regular file reached through real directories of a folder inside the root is inside the
        // root; only links (or a folder that is itself a link elsewhere) need resolving.
        if (kind === 'link' || !topInside) {
          file = realpathSync(file);
          if (!inside(file)) {
            refuse(rel, 'inventory.outside-root', 'file is a link to a path outside the inventory; refused');
            continue;
          }
        }
        const content = readRegularFile(file, limits.maxFileBytes);
        if (content === undefined) continue;
        if (!Buffer.isBuffer(content)) {
          refuse(
            rel,
            'yaml.too-large',
            `file is ${content.size} bytes, over the limit of ${limits.maxFileBytes} bytes`,
          );
          continue;
        }
        files.push({ path: rel, content });
      } catch (err) {
        refuse(
          rel,
          'inventory.unreadable',
          `cannot read file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, problems };
};
