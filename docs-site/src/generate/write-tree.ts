import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileProblem, type Problem } from '@lifeboat/core';
import type { PageFile } from './pages/page-file.js';

// Writing the generated tree: only inside outDir, and only removing files a previous run listed, so a
// wrong --out-dir can never wipe hand-written work.

export const MANIFEST = '.lifeboat-generated.json';

const inside = (root: string, rel: string): string | undefined => {
  const full = path.resolve(root, rel);
  return full.startsWith(path.resolve(root) + path.sep) ? full : undefined;
};

/** Removes what the last run wrote (per its manifest), then writes `files` and a new manifest. */
export const writeTree = async (outDir: string, files: readonly PageFile[]): Promise<Problem[]> => {
  await mkdir(outDir, { recursive: true });
  const present = await readdir(outDir);
  let previous: string[] = [];
  if (present.includes(MANIFEST)) {
    try {
      const parsed: unknown = JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8'));
      if (Array.isArray(parsed)) previous = parsed.filter((f): f is string => typeof f === 'string');
    } catch {
      previous = [];
    }
  } else if (present.length > 0) {
    return [
      fileProblem(
        'docs.out-dir-not-generated',
        'error',
        `output folder ${JSON.stringify(outDir)} is not empty and was not written by lifeboat docs; nothing written`,
        outDir,
      ),
    ];
  }
  const dirs = new Set<string>();
  for (const rel of previous) {
    const full = inside(outDir, rel);
    if (full === undefined) continue;
    await rm(full, { force: true });
    dirs.add(path.dirname(full));
  }
  // Folders emptied by the removal go too (deepest first); non-empty ones stay.
  for (const dir of [...dirs].sort((a, b) => b.length - a.length))
    if (dir !== path.resolve(outDir)) await rmdir(dir).catch(() => undefined);
  for (const file of files) {
    const full = inside(outDir, file.path);
    if (full === undefined) throw new Error(`generated path ${file.path} leaves the output folder`);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, file.content);
  }
  await writeFile(
    path.join(outDir, MANIFEST),
    `${JSON.stringify(
      files.map((f) => f.path),
      null,
      1,
    )}\n`,
  );
  return [];
};
