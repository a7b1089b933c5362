// SHA-256 of images and devices: taken while the bytes stream past (one pass) or by reading a file or range.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Sha256Tap {
  /** Feed the next chunk, in order. */
  update: (chunk: Uint8Array) => void;
  /** Lower-case hex digest of everything fed so far; call once. */
  digest: () => string;
  /** Bytes fed so far. */
  readonly bytes: number;
}

export const createSha256 = (): Sha256Tap => {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    update: (chunk) => {
      hash.update(chunk);
      bytes += chunk.byteLength;
    },
    digest: () => hash.digest('hex'),
    get bytes() {
      return bytes;
    },
  };
};

export interface Sha256Result {
  sha256: string;
  bytes: number;
}

/** Hash any async byte source (a read stream, a child's stdout). */
export const sha256Stream = async (
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Sha256Result> => {
  const tap = createSha256();
  for await (const chunk of source) tap.update(chunk);
  return { bytes: tap.bytes, sha256: tap.digest() };
};

export interface Sha256FileOptions {
  /** First byte to hash (default 0). */
  start?: number;
  /** Number of bytes to hash (default: to the end). A file shorter than that is an error, not a short hash. */
  length?: number;
  signal?: AbortSignal;
}

/** SHA-256 of a file, a block device, or a byte range of either. Rejects on read errors and short reads. */
export const sha256File = async (path: string, options: Sha256FileOptions = {}): Promise<Sha256Result> => {
  if (options.length === 0) return sha256Stream([]);
  const start = options.start ?? 0;
  const stream = createReadStream(path, {
    start,
    ...(options.length === undefined ? {} : { end: start + options.length - 1 }),
    highWaterMark: 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const result = await sha256Stream(stream);
  if (options.length !== undefined && result.bytes !== options.length) {
    throw new Error(`short read: ${result.bytes} of ${options.length} bytes from ${path}`);
  }
  return result;
};

/** Hex SHA-256 digests compare case-insensitively; anything that is not 64 hex digits never matches. */
export const sameSha256 = (a: string, b: string): boolean =>
  /^[0-9a-fA-F]{64}$/.test(a) && a.toLowerCase() === b.toLowerCase();
