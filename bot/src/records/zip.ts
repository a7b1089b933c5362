import { crc32, inflateRawSync } from 'node:zlib';

// A small zip reader for the one file a records artifact holds. GitHub serves artifacts as zips, and they
// come from runners we do not fully trust: every size is checked before memory is spent, so a zip bomb or a
// crafted archive is refused instead of exhausting the bot.

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Why an archive was refused, one word each, so tests and messages can tell them apart. */
export type ZipRefusal =
  | 'truncated'
  | 'multi-disk'
  | 'zip64'
  | 'encrypted'
  | 'method'
  | 'entries'
  | 'name'
  | 'size-mismatch'
  | 'too-large'
  | 'crc'
  | 'corrupt';

export type ZipResult =
  | { ok: true; entries: ZipEntry[] }
  | { ok: false; refusal: ZipRefusal; message: string };

export interface ZipLimits {
  /** Most entries accepted (default 1: an artifact of one file). */
  maxEntries?: number;
  /** Most uncompressed bytes over all entries (default 32 MiB). */
  maxBytes?: number;
}

export const ZIP_MAX_BYTES = 32 * 1024 * 1024;

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA = 0x0001;
const AES_METHOD = 99;

class Refused extends Error {
  constructor(
    readonly refusal: ZipRefusal,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (refusal: ZipRefusal, message: string): never => {
  throw new Refused(refusal, message);
};

/** The end-of-central-directory record: the last signature whose comment ends exactly at the end of the file. */
const findEocd = (buf: Buffer): number => {
  const lowest = Math.max(0, buf.length - EOCD_SIZE - 0xffff);
  for (let at = buf.length - EOCD_SIZE; at >= lowest; at--) {
    if (buf.readUInt32LE(at) === EOCD && at + EOCD_SIZE + buf.readUInt16LE(at + 20) === buf.length) return at;
  }
  return refuse('truncated', 'no end-of-central-directory record (not a zip, or cut short)');
};

/** Names must be plain relative paths: no `..`, no absolute or drive paths, no backslashes or control characters. */
const checkName = (name: string): void => {
  const bad =
    name.length === 0 ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    /[\u0000-\u001f\u007f]/.test(name) ||
    name.split('/').some((part) => part === '..' || part === '.');
  if (bad) refuse('name', `entry name ${JSON.stringify(name.slice(0, 80))} is not a plain relative path`);
};

const hasZip64Extra = (extra: Buffer): boolean => {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) return true;
    at += 4 + size;
  }
  return false;
};

const parse = (buf: Buffer, limits: Required<ZipLimits>): ZipEntry[] => {
  if (buf.length < EOCD_SIZE) refuse('truncated', `${buf.length} bytes is too short for a zip`);
  const eocd = findEocd(buf);
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === EOCD64_LOCATOR)
    refuse('zip64', 'zip64 archives are not accepted (a records file is far below 4 GiB)');
  const disk = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const onDisk = buf.readUInt16LE(eocd + 8);
  const total = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    refuse('zip64', 'zip64 archives are not accepted (a records file is far below 4 GiB)');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) refuse('multi-disk', 'split (multi-disk) archive');
  if (total === 0 || total > limits.maxEntries)
    refuse(
      'entries',
      `archive holds ${total} entries, expected ${limits.maxEntries === 1 ? 'one' : `1..${limits.maxEntries}`}`,
    );
  if (cdOffset + cdSize > eocd) refuse('corrupt', 'central directory runs past its end record');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let declaredTotal = 0;
  let at = cdOffset;
  for (let i = 0; i < total; i++) {
    if (at + CENTRAL_SIZE > cdOffset + cdSize || buf.readUInt32LE(at) !== CENTRAL)
      refuse('corrupt', `central directory entry ${i + 1} is missing or damaged`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const next = at + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize)
      refuse('corrupt', `central directory entry ${i + 1} runs past the directory`);
    const rawName = buf.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLen);
    const extra = buf.subarray(at + CENTRAL_SIZE + nameLen, at + CENTRAL_SIZE + nameLen + extraLen);
    at = next;

    // Bit 0: encrypted; bit 6: strong encryption; method 99: AES.
    if ((flags & 0x0001) !== 0 || (flags & 0x0040) !== 0 || method === AES_METHOD)
      refuse('encrypted', 'encrypted entries are not accepted');
    if (
      compressed === 0xffffffff ||
      size === 0xffffffff ||
      localOffset === 0xffffffff ||
      hasZip64Extra(extra)
    )
      refuse('zip64', 'zip64 entries are not accepted');
    if (method !== 0 && method !== 8)
      refuse('method', `compression method ${method} (only stored and deflate)`);
    const name = rawName.toString('utf8');
    checkName(name);
    if (name.endsWith('/'))
      refuse('entries', `unexpected directory entry ${JSON.stringify(name.slice(0, 80))}`);
    if (names.has(name)) refuse('entries', `entry ${JSON.stringify(name.slice(0, 80))} appears twice`);
    names.add(name);
    declaredTotal += size;
    if (declaredTotal > limits.maxBytes)
      refuse('too-large', `uncompressed size over the ${limits.maxBytes}-byte limit`);
    if (method === 0 && compressed !== size)
      refuse(
        'size-mismatch',
        `stored entry declares ${compressed} bytes stored but ${size} bytes of content`,
      );

    if (localOffset + LOCAL_SIZE > cdOffset || buf.readUInt32LE(localOffset) !== LOCAL)
      refuse('corrupt', `local header of ${JSON.stringify(name.slice(0, 80))} is missing`);
    const localName = buf.subarray(
      localOffset + LOCAL_SIZE,
      localOffset + LOCAL_SIZE + buf.readUInt16LE(localOffset + 26),
    );
    if (!localName.equals(rawName)) refuse('corrupt', 'local and central names differ');
    if ((buf.readUInt16LE(localOffset + 6) & 0x0001) !== 0)
      refuse('encrypted', 'encrypted entries are not accepted');
    const start = localOffset + LOCAL_SIZE + localName.length + buf.readUInt16LE(localOffset + 28);
    if (start + compressed > cdOffset)
      refuse('truncated', `data of ${JSON.stringify(name.slice(0, 80))} runs past the archive`);
    const raw = buf.subarray(start, start + compressed);

    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else {
      try {
        // One byte over the declared size is enough to know the declaration lied; inflating stops there.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE')
          refuse(
            'size-mismatch',
            `${JSON.stringify(name.slice(0, 80))} inflates past its declared ${size} bytes`,
          );
        return refuse(
          'corrupt',
          `${JSON.stringify(name.slice(0, 80))} does not inflate (${code ?? 'error'})`,
        );
      }
    }
    if (data.length !== size)
      refuse(
        'size-mismatch',
        `${JSON.stringify(name.slice(0, 80))} is ${data.length} bytes, declared ${size}`,
      );
    if (crc32(data) >>> 0 !== crc) refuse('crc', `${JSON.stringify(name.slice(0, 80))} fails its CRC check`);
    entries.push({ name, data });
  }
  return entries;
};

/** The entries of a zip held in memory, or why it was refused; never throws on bad input. */
export const readZip = (buf: Buffer, limits: ZipLimits = {}): ZipResult => {
  try {
    return {
      ok: true,
      entries: parse(buf, { maxEntries: limits.maxEntries ?? 1, maxBytes: limits.maxBytes ?? ZIP_MAX_BYTES }),
    };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal, message: err.message };
    // A read past the buffer: offsets that point nowhere.
    if (err instanceof RangeError)
      return { ok: false, refusal: 'corrupt', message: 'offsets point outside the archive' };
    throw err;
  }
};
