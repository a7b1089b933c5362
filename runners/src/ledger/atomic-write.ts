import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

// A reader (the scheduler, node_exporter, a report) must see the old file or the new one, never half of one.

/** The one step tests replace to make a write fail part-way. */
export interface AtomicWriteIo {
  write(handle: FileHandle, data: Uint8Array): Promise<void>;
}

const NODE_IO: AtomicWriteIo = {
  write: async (handle, data) => {
    await handle.writeFile(data);
  },
};

export interface AtomicWriteOptions {
  mode?: number;
  io?: AtomicWriteIo;
}

/** Temp files start with a dot and end in .tmp: record listings and node_exporter's *.prom glob skip them. */
export const isTempName = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * Write `data` to `target` through a temp file in the same directory: write, fsync the file, rename
 * over the target, fsync the directory so the rename itself survives a power cut. On any failure
 * the temp file is removed and the target is untouched.
 */
export const writeFileAtomic = async (
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> => {
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const io = options.io ?? NODE_IO;
  let handle: FileHandle | undefined = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    await io.write(handle, bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
};

/** fsync on a directory makes a rename durable; some filesystems refuse it, and then there is nothing more to do. */
export const syncDirectory = async (dir: string): Promise<void> => {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
};
