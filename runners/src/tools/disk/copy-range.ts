// dd-style copies in Node (no `dd` process): a partition image into a disk image at its offset, the gap
// before the first partition of an MBR disk, or a partition out of a whole-disk image.
import { open } from 'node:fs/promises';

export interface CopyRangeOptions {
  /** Byte offset to read from (default 0). */
  sourceOffset?: number;
  /** Byte offset to write at (default 0). */
  targetOffset?: number;
  /** Bytes to copy (default: the rest of the source). A shorter source is an error. */
  length?: number;
  /** Sees every chunk copied, in order (e.g. to hash it). */
  onChunk?: (chunk: Uint8Array) => void;
  signal?: AbortSignal;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Copies bytes from `source` into the existing file or device `target` without truncating it, then fsyncs.
 * Every byte is written (zeros too), so the result never depends on what the target held before.
 * Returns the bytes copied.
 */
export const copyRange = async (
  source: string,
  target: string,
  options: CopyRangeOptions = {},
): Promise<number> => {
  const input = await open(source, 'r');
  try {
    const output = await open(target, 'r+');
    try {
      const total = options.length ?? (await input.stat()).size - (options.sourceOffset ?? 0);
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(total, 1)));
      let done = 0;
      while (done < total) {
        options.signal?.throwIfAborted();
        const want = Math.min(buffer.byteLength, total - done);
        const { bytesRead } = await input.read(buffer, 0, want, (options.sourceOffset ?? 0) + done);
        if (bytesRead === 0) throw new Error(`short read: ${source} ended after ${done} of ${total} bytes`);
        const chunk = buffer.subarray(0, bytesRead);
        options.onChunk?.(chunk);
        for (let written = 0; written < bytesRead; ) {
          const w = await output.write(
            chunk,
            written,
            bytesRead - written,
            (options.targetOffset ?? 0) + done + written,
          );
          written += w.bytesWritten;
        }
        done += bytesRead;
      }
      await output.sync();
      return done;
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
};
