import { stat } from 'node:fs/promises';
import path from 'node:path';
import { INVENTORY_DIRS, quote } from '@lifeboat/core';
import { UsageError } from '../exit.js';

// `--root` as docs, report, run (and, for the inventory part, validate) check it: a folder holding no
// inventory is a wrong --root, not an empty result.

/** Throws a UsageError naming `--root` when it is missing, not a directory, or has none of the inventory folders. */
export const checkRoot = async (root: string): Promise<void> => {
  const isDirectory = await stat(root).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isDirectory === undefined) throw new UsageError(`--root ${quote(root, 200)} does not exist`);
  if (!isDirectory) throw new UsageError(`--root ${quote(root, 200)} is not a directory`);
  await checkHasInventory(root);
};

/** Throws a UsageError naming `--root` when it has none of sites/, policies/, images/ (validate checks this too). */
export const checkHasInventory = async (root: string): Promise<void> => {
  const present = await Promise.all(
    INVENTORY_DIRS.map((dir) =>
      stat(path.join(root, dir)).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  if (!present.some(Boolean))
    throw new UsageError(
      `--root ${quote(root, 200)} has none of ${INVENTORY_DIRS.map((d) => `${d}/`).join(', ')}`,
    );
};
