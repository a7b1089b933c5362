// The manifest of a stored image version (`<store>/<image>/<version>/manifest.json`): what was captured,
// how, and the SHA-256 of every stored file. Restores trust nothing else, so reading it checks its shape
// and refuses any file name that could point outside the version directory.
import { lstat, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { quote } from '@lifeboat/core';
import { writeFileAtomic } from '../../ledger/atomic-write.js';
import { FILESYSTEMS, type FilesystemType } from '../../tools/disk/filesystem.js';
import type { Compression } from '../../tools/partclone/partclone.js';
import type { ToolError } from '../../tools/result.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_KIND = 'ImageManifest';
/** Manifests are small; a larger file is not one of ours and is not parsed. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export const PROMOTION_STATES = ['candidate', 'verified', 'approved', 'deployed', 'retired'] as const;
export type PromotionState = (typeof PROMOTION_STATES)[number];

/** A file in the version directory and the SHA-256 / size it had when it was written. */
export interface StoredFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface ManifestPartition {
  /** Partition number in the table (`/dev/sda2` → 2). */
  number: number;
  name: string;
  filesystem: FilesystemType;
  /** Byte range of the partition on the disk. */
  startBytes: number;
  sizeBytes: number;
  partclone: { version: string; checksumMode: number };
  compression: Compression;
  /** The stored image: `file` and the SHA-256 of its (compressed) bytes. */
  image: StoredFile;
  /** SHA-256 of partclone's raw stream: a re-capture of the restored filesystem must give the same. */
  rawSha256: string;
  rawBytes: number;
  /** Bytes of the filesystem in use (what a restore writes); the partition size when partclone did not say. */
  usedBytes: number;
}

export interface ImageManifest {
  apiVersion: 'lifeboat/v1';
  kind: typeof MANIFEST_KIND;
  image: string;
  version: string;
  deviceClass: string;
  capturedAt: string;
  source: { path: string; kind: 'device' | 'file'; sizeBytes: number };
  partitionTable: {
    type: 'gpt' | 'mbr';
    sectorSize: number;
    /** Bytes a target must hold: end of the last partition, plus the backup GPT for GPT disks. */
    imageBytes: number;
    /** `sfdisk -d` of the source: what restores write. */
    dump: StoredFile;
    /** `sgdisk --backup` of a GPT source, kept for manual recovery (sgdisk --load-backup). */
    gptBackup?: StoredFile;
    /** The bytes before the first partition (MBR boot code, a boot loader in the gap), written back first. */
    gap: StoredFile;
  };
  partitions: ManifestPartition[];
  /** Tool name → version that made this version (partclone, sfdisk, sgdisk). */
  tools: Record<string, string>;
  promotion: PromotionState;
  promotedAt?: string;
}

/** Plain file names only: no separators, no `.`/`..`, no leading dot or dash. */
const SAFE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** The Image schema's version pattern: also a safe directory name. */
export const VERSION_NAME = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;
const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$/;

export const isSafeFileName = (name: string): boolean => SAFE_FILE.test(name) && name !== MANIFEST_FILE;

export type ManifestCheck = { ok: true; manifest: ImageManifest } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Collects one-line errors with the JSON path they are about. */
const checker = () => {
  const errors: string[] = [];
  const at = (path: string, message: string) => errors.push(`${path}: ${message}`);
  const str = (o: Obj, key: string, path: string, pattern?: RegExp): boolean => {
    const v = o[key];
    if (typeof v !== 'string') at(`${path}${key}`, 'must be a string');
    else if (pattern && !pattern.test(v)) at(`${path}${key}`, `${quote(v)} is not valid`);
    else return true;
    return false;
  };
  const count = (o: Obj, key: string, path: string) => {
    if (!isCount(o[key])) at(`${path}${key}`, 'must be a non-negative integer');
  };
  const oneOf = (o: Obj, key: string, path: string, values: readonly string[]) => {
    const v = o[key];
    if (typeof v !== 'string' || !values.includes(v))
      at(`${path}${key}`, `must be one of ${values.join(', ')}, got ${quote(v)}`);
  };
  const stored = (v: unknown, path: string) => {
    if (!isObj(v)) return at(path, 'must be an object');
    if (str(v, 'file', `${path}.`) && !isSafeFileName(v.file as string))
      at(`${path}.file`, `${quote(v.file)} is not a plain file name inside the version directory`);
    str(v, 'sha256', `${path}.`, SHA256);
    count(v, 'bytes', `${path}.`);
  };
  return { errors, at, str, count, oneOf, stored };
};

/** Shape check of a parsed manifest; every problem is reported, untrusted text quoted. */
export const checkManifest = (value: unknown): ManifestCheck => {
  const c = checker();
  if (!isObj(value)) return { ok: false, errors: ['manifest: must be a JSON object'] };
  const m = value;
  if (m.apiVersion !== 'lifeboat/v1') c.at('apiVersion', 'must be "lifeboat/v1"');
  if (m.kind !== MANIFEST_KIND) c.at('kind', `must be "${MANIFEST_KIND}"`);
  c.str(m, 'image', '', NAME);
  c.str(m, 'version', '', VERSION_NAME);
  c.str(m, 'deviceClass', '', /^[a-z][a-z0-9-]*$/);
  if (c.str(m, 'capturedAt', '', ISO_TIME) && Number.isNaN(Date.parse(m.capturedAt as string)))
    c.at('capturedAt', 'is not a valid time');
  c.oneOf(m, 'promotion', '', PROMOTION_STATES);
  if (m.promotedAt !== undefined) c.str(m, 'promotedAt', '', ISO_TIME);
  if (!isObj(m.source)) c.at('source', 'must be an object');
  else {
    c.str(m.source, 'path', 'source.');
    c.oneOf(m.source, 'kind', 'source.', ['device', 'file']);
    c.count(m.source, 'sizeBytes', 'source.');
  }
  const table = m.partitionTable;
  if (!isObj(table)) c.at('partitionTable', 'must be an object');
  else {
    c.oneOf(table, 'type', 'partitionTable.', ['gpt', 'mbr']);
    if (table.sectorSize !== 512 && table.sectorSize !== 4096)
      c.at('partitionTable.sectorSize', 'must be 512 or 4096');
    c.count(table, 'imageBytes', 'partitionTable.');
    c.stored(table.dump, 'partitionTable.dump');
    c.stored(table.gap, 'partitionTable.gap');
    if (table.gptBackup !== undefined) c.stored(table.gptBackup, 'partitionTable.gptBackup');
  }
  if (!isObj(m.tools) || !Object.values(m.tools).every((v) => typeof v === 'string'))
    c.at('tools', 'must map tool names to version strings');
  const files = new Set<string>();
  const claim = (v: unknown, path: string) => {
    if (!isObj(v) || typeof v.file !== 'string') return;
    if (files.has(v.file)) c.at(path, `${quote(v.file)} is named twice`);
    files.add(v.file);
  };
  if (isObj(table)) {
    claim(table.dump, 'partitionTable.dump.file');
    claim(table.gap, 'partitionTable.gap.file');
    claim(table.gptBackup, 'partitionTable.gptBackup.file');
  }
  if (!Array.isArray(m.partitions) || m.partitions.length === 0)
    c.at('partitions', 'must be a non-empty array');
  else {
    const numbers = new Set<number>();
    for (const [i, p] of (m.partitions as unknown[]).entries()) {
      const path = `partitions.${i}.`;
      if (!isObj(p)) {
        c.at(`partitions.${i}`, 'must be an object');
        continue;
      }
      if (!Number.isInteger(p.number) || (p.number as number) < 1 || (p.number as number) > 128)
        c.at(`${path}number`, 'must be an integer 1-128');
      else if (numbers.has(p.number as number)) c.at(`${path}number`, `partition ${p.number} appears twice`);
      else numbers.add(p.number as number);
      c.str(p, 'name', path, NAME);
      c.oneOf(p, 'filesystem', path, FILESYSTEMS);
      c.count(p, 'startBytes', path);
      c.count(p, 'sizeBytes', path);
      if (!isObj(p.partclone)) c.at(`${path}partclone`, 'must be an object');
      else {
        c.str(p.partclone, 'version', `${path}partclone.`, /^[0-9]+\.[0-9]+\.[0-9]+$/);
        if (!Number.isInteger(p.partclone.checksumMode))
          c.at(`${path}partclone.checksumMode`, 'must be an integer');
      }
      c.oneOf(p, 'compression', path, ['zstd', 'none']);
      c.stored(p.image, `${path}image`);
      claim(p.image, `${path}image.file`);
      c.str(p, 'rawSha256', path, SHA256);
      c.count(p, 'rawBytes', path);
      c.count(p, 'usedBytes', path);
    }
  }
  // Ranges a restore writes must lie inside the image and after the gap: a forged manifest must not make
  // a restore write past the end of its target or over the partition table.
  if (c.errors.length === 0) {
    const t = table as unknown as ImageManifest['partitionTable'];
    if (t.gap.bytes > t.imageBytes) c.at('partitionTable.gap.bytes', 'is larger than imageBytes');
    for (const [i, p] of (m.partitions as ManifestPartition[]).entries()) {
      if (p.startBytes < t.gap.bytes)
        c.at(`partitions.${i}.startBytes`, 'lies inside the bytes before the first partition');
      if (p.startBytes + p.sizeBytes > t.imageBytes)
        c.at(`partitions.${i}.sizeBytes`, 'ends beyond imageBytes');
    }
  }
  return c.errors.length === 0
    ? { ok: true, manifest: value as unknown as ImageManifest }
    : { ok: false, errors: c.errors };
};

export type ManifestRead = { ok: true; manifest: ImageManifest } | { ok: false; error: ToolError };

const invalid = (message: string): ManifestRead => ({
  ok: false,
  error: { code: 'image.manifest-invalid', message },
});

/**
 * Reads and checks `<versionDir>/manifest.json`. Also refused: a symlinked manifest, and a manifest whose
 * version is not its directory's name (a copied or renamed directory).
 */
export const readManifest = async (versionDir: string): Promise<ManifestRead> => {
  const path = join(versionDir, MANIFEST_FILE);
  const where = quote(path, 200);
  const info = await lstat(path).catch(() => undefined);
  if (!info)
    return { ok: false, error: { code: 'image.version-missing', message: `${where} does not exist` } };
  if (!info.isFile()) return invalid(`${where} is not a regular file`);
  if (info.size > MAX_MANIFEST_BYTES) return invalid(`${where} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    return invalid(`${where} is not JSON: ${quote(e instanceof Error ? e.message : String(e), 120)}`);
  }
  const checked = checkManifest(parsed);
  if (!checked.ok) {
    const more = checked.errors.length > 3 ? ` (and ${checked.errors.length - 3} more)` : '';
    return invalid(`${where}: ${checked.errors.slice(0, 3).join('; ')}${more}`);
  }
  if (checked.manifest.version !== basename(versionDir)) {
    return invalid(
      `${where} is for version ${quote(checked.manifest.version)} but lies in directory ${quote(basename(versionDir))}`,
    );
  }
  return checked;
};

/** Writes the manifest atomically (temp file, fsync, rename, directory fsync). */
export const writeManifest = async (versionDir: string, manifest: ImageManifest): Promise<void> => {
  const checked = checkManifest(manifest);
  if (!checked.ok) throw new Error(`refusing to write an invalid manifest: ${checked.errors.join('; ')}`);
  await writeFileAtomic(join(versionDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
};

/** Every stored file a manifest names, with what it is for (messages). */
export const storedFiles = (m: ImageManifest): Array<{ what: string } & StoredFile> => [
  { what: 'partition table dump', ...m.partitionTable.dump },
  ...(m.partitionTable.gptBackup ? [{ what: 'GPT backup', ...m.partitionTable.gptBackup }] : []),
  { what: 'bytes before the first partition', ...m.partitionTable.gap },
  ...m.partitions.map((p) => ({ what: `partition ${p.number} (${p.name})`, ...p.image })),
];

/** Changes the promotion state of a stored version (the manifest is rewritten atomically). */
export const setPromotion = async (
  versionDir: string,
  state: PromotionState,
  at: Date = new Date(),
): Promise<ManifestRead> => {
  const read = await readManifest(versionDir);
  if (!read.ok) return read;
  const manifest: ImageManifest = { ...read.manifest, promotion: state, promotedAt: at.toISOString() };
  await writeManifest(versionDir, manifest);
  return { ok: true, manifest };
};
