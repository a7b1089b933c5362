import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A throwaway copy of the repository's example inventory (and runbooks) for generator tests.

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const copyExampleInventory = async (): Promise<{ root: string; cleanup: () => Promise<void> }> => {
  const root = await mkdtemp(path.join(tmpdir(), 'lifeboat-docs-'));
  for (const dir of ['sites', 'policies', 'images', 'runbooks'])
    await cp(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
};

/** Every file under `dir` as relative path → bytes. */
export const readTree = async (dir: string): Promise<Map<string, string>> => {
  const out = new Map<string, string>();
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
  for (const name of names.sort()) out.set(name, await readFile(path.join(dir, name), 'utf8'));
  return out;
};

/** The paths whose content differs (or exist on one side only). */
export const changedFiles = (a: Map<string, string>, b: Map<string, string>): string[] =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
