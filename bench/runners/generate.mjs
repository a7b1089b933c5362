// Seeded test data for bench/runners: half compressible text, half random bytes, in files of mixed sizes,
// so restic's chunker, dedup and partclone | zstd see something like a file share. The same seed and size
// give the same bytes, so a generated tree can be reused across runs (it is large) and results compared.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** `256M`, `1G`, `8MiB`, `1048576` → bytes; undefined when it is not a size. */
export const parseSize = (text) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(String(text));
  if (!m) return undefined;
  const unit = { '': 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB }[m[2].toLowerCase()];
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
};

export const formatBytes = (n) =>
  n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} B`;

/** mulberry32: a small seeded PRNG for sizes and names (the bytes come from AES-CTR below). */
const prng = (seed) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A keystream of `bytes` pseudo-random bytes for one file: AES-256-CTR over zeros, keyed by seed and file. */
const keystream = (seed, id, bytes) => {
  const key = createHash('sha256').update(`${seed}:${id}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(bytes)), cipher.final()]);
};

const WORDS = (
  'backup restore policy snapshot retention drill image partition runner site schedule window ' +
  'the of and to in is that for it as with was on be by this are from at or an have not which ' +
  'invoice ledger payroll customer order shipment warehouse report quarter budget forecast audit ' +
  'kestrel ridge lisle office share finance engineering design drawing revision approved pending ' +
  'monday tuesday wednesday thursday friday january february march april may june july august'
)
  .split(' ')
  .map((w) => Buffer.from(w));

/** Text that compresses like prose (zstd ~3×) but does not dedup: word choice comes from the keystream. */
const textBytes = (seed, id, bytes) => {
  const random = keystream(seed, id, Math.ceil(bytes / 3) + 16);
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  let i = 0;
  while (at < bytes) {
    const r = random[i++ % random.length];
    const word = WORDS[r % WORDS.length];
    at += word.copy(out, at);
    if (at < bytes) out[at++] = (r & 0xf0) === 0 ? 0x0a : 0x20;
  }
  return out;
};

/** The file list for `bytes` in total: names, kinds and sizes, from the seed alone. */
export const planFiles = (bytes, seed = 1) => {
  const next = prng(seed);
  const files = [];
  // Large files scale with the total so a tiny run still has several of each kind.
  const maxBinary = Math.max(64 * KiB, Math.min(32 * MiB, Math.floor(bytes / 24)));
  const maxText = Math.max(16 * KiB, Math.min(4 * MiB, Math.floor(bytes / 64)));
  for (const kind of ['text', 'bin']) {
    let left = Math.floor(bytes / 2);
    const max = kind === 'text' ? maxText : maxBinary;
    while (left > 0) {
      // Log-uniform between 1 KiB and max: many small files, most bytes in the big ones.
      const size = Math.min(left, Math.round(KiB * (max / KiB) ** next()));
      const n = files.length;
      files.push({
        path: path.join(
          kind,
          `d${String(n % 16).padStart(2, '0')}`,
          `f${n}.${kind === 'text' ? 'txt' : 'bin'}`,
        ),
        kind,
        size,
      });
      left -= size;
    }
  }
  return files;
};

const MARKER = '.lifeboat-bench.json';

/**
 * Writes the tree into `dir` unless a complete tree of the same size and seed is already there.
 * Returns `{files, bytes, reused, seconds}`.
 */
export const generateData = async (dir, { bytes, seed = 1 }) => {
  const started = performance.now();
  const want = { seed, bytes, version: 1 };
  const marker = path.join(dir, MARKER);
  const have = await readFile(marker, 'utf8').then(JSON.parse, () => undefined);
  const files = planFiles(bytes, seed);
  if (have && have.seed === seed && have.bytes === bytes && have.version === want.version) {
    return { files: files.length, bytes, reused: true, seconds: 0 };
  }
  await rm(dir, { recursive: true, force: true });
  for (const [i, f] of files.entries()) {
    const target = path.join(dir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    const data = f.kind === 'text' ? textBytes(seed, i, f.size) : keystream(seed, i, f.size);
    await writeFile(target, data);
  }
  await writeFile(marker, JSON.stringify(want));
  return { files: files.length, bytes, reused: false, seconds: (performance.now() - started) / 1000 };
};

const run = (file, args) => {
  const r = spawnSync(file, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0)
    throw new Error(
      `${file} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr ?? r.error?.message ?? '').trim()}`,
    );
  return r;
};

/**
 * An ext4 filesystem image holding `dataDir` (mkfs.ext4 -d, no root), and a GPT disk image with that
 * filesystem as partition 1 ("data") at 1 MiB: what lifeboat's image capture job takes as a source.
 * Reused when already made from the same tree.
 */
export const makeDiskImages = async (outDir, dataDir, dataBytes, copyRange) => {
  const fs = path.join(outDir, 'fs.img');
  const disk = path.join(outDir, 'disk.img');
  const marker = path.join(outDir, '.images.json');
  // Room for the data plus ext4's metadata and some free space, as a real filesystem has.
  const fsMiB = Math.ceil((dataBytes * 1.15) / MiB) + 16;
  const want = { dataDir, dataBytes, fsMiB, version: 1 };
  const have = await readFile(marker, 'utf8').then(JSON.parse, () => undefined);
  const layout = { fs, disk, fsMiB, startBytes: MiB, sizeBytes: fsMiB * MiB, diskBytes: (fsMiB + 2) * MiB };
  if (have && JSON.stringify(have) === JSON.stringify(want)) return { ...layout, reused: true };
  await rm(marker, { force: true });
  await rm(fs, { force: true });
  await rm(disk, { force: true });
  run('mkfs.ext4', ['-q', '-F', '-L', 'bench', '-d', dataDir, fs, `${fsMiB}M`]);
  const fh = await open(disk, 'w');
  await fh.truncate(layout.diskBytes);
  await fh.close();
  const startSector = MiB / 512;
  run('sgdisk', [
    `--new=1:${startSector}:${startSector + layout.sizeBytes / 512 - 1}`,
    '--typecode=1:8300',
    '--change-name=1:data',
    disk,
  ]);
  await copyRange(fs, disk, { targetOffset: layout.startBytes, length: layout.sizeBytes });
  await writeFile(marker, JSON.stringify(want));
  return { ...layout, reused: false };
};
