import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileProblem, type Problem } from '@lifeboat/core';

// The hand-written runbooks under <root>/runbooks: regular .md files only (links and huge files refused),
// sorted, decoded strictly as UTF-8 — shared by the lint in `lifeboat validate` and the generator.

export const RUNBOOK_DIR = 'runbooks';
const MAX_BYTES = 1024 * 1024;

export interface RunbookSource {
  /** Relative to the inventory root, forward slashes: `runbooks/lisle-nas-failure.md`. */
  file: string;
  /** Relative to runbooks/: `lisle-nas-failure.md`. */
  name: string;
  text: string;
}

const unreadable = (file: string, message: string): Problem =>
  fileProblem('runbook.unreadable', 'error', message, file);

/** Every runbook, or none when the folder is missing. */
export const readRunbooks = async (
  root: string,
): Promise<{ runbooks: RunbookSource[]; problems: Problem[] }> => {
  const dir = path.join(root, RUNBOOK_DIR);
  const runbooks: RunbookSource[] = [];
  const problems: Problem[] = [];
  let names: string[];
  try {
    // Top level only: a recursive walk could follow directory links forever.
    names = (await readdir(dir)).filter((n) => n.endsWith('.md'));
  } catch {
    return { runbooks, problems };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const name of names.sort()) {
    const file = `${RUNBOOK_DIR}/${name}`;
    const full = path.join(dir, name);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isFile()) {
      if (info?.isSymbolicLink()) problems.push(unreadable(file, 'runbook is a symbolic link; refused'));
      continue;
    }
    if (info.size > MAX_BYTES) {
      problems.push(unreadable(file, `runbook is ${info.size} bytes, over the limit of ${MAX_BYTES}`));
      continue;
    }
    try {
      runbooks.push({ file, name, text: decoder.decode(await readFile(full)) });
    } catch {
      problems.push(unreadable(file, 'runbook is not valid UTF-8 text'));
    }
  }
  return { runbooks, problems };
};
