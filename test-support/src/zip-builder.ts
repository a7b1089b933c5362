import { crc32, deflateRawSync } from 'node:zlib';

// Zips built in memory for tests: what upload-artifact produces (one stored or deflated file) and the
// crafted archives a reader must refuse (lying sizes, encryption flags, zip64 markers, odd names).

export interface ZipBuildEntry {
  name: string;
  data: Buffer | string;
  /** Default 'deflate'. */
  method?: 'stored' | 'deflate';
  /** Overrides for crafting bad archives: what the headers claim instead of the truth. */
  declaredSize?: number;
  declaredCompressedSize?: number;
  crc?: number;
  flags?: number;
  methodCode?: number;
  /** Extra field bytes (e.g. a zip64 block, id 0x0001). */
  extra?: Buffer;
}

export interface ZipBuildOptions {
  /** Archive comment (after the end record). */
  comment?: string;
  /** Append a zip64 end-of-central-directory locator before the end record. */
  zip64Locator?: boolean;
}

/** A zip64 extra field block, as a crafted entry would carry it. */
export const zip64Extra = (): Buffer => {
  const b = Buffer.alloc(4 + 16);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(16, 2);
  return b;
};

export const buildZip = (entries: readonly ZipBuildEntry[], options: ZipBuildOptions = {}): Buffer => {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const stored = (e.method ?? 'deflate') === 'stored';
    const body = stored ? data : deflateRawSync(data);
    const name = Buffer.from(e.name, 'utf8');
    const extra = e.extra ?? Buffer.alloc(0);
    const method = e.methodCode ?? (stored ? 0 : 8);
    const flags = e.flags ?? 0x0800; // UTF-8 names
    const crc = e.crc ?? crc32(data) >>> 0;
    const csize = e.declaredCompressedSize ?? body.length;
    const usize = e.declaredSize ?? data.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(csize, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const localPart = Buffer.concat([local, name, extra, body]);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(csize, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(offset, 42);
    centrals.push(Buffer.concat([central, name, extra]));
    locals.push(localPart);
    offset += localPart.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  const locator = Buffer.alloc(options.zip64Locator ? 20 : 0);
  if (options.zip64Locator) locator.writeUInt32LE(0x07064b50, 0);
  return Buffer.concat([...locals, cd, locator, end, comment]);
};
