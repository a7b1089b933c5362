import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Docusaurus writes its generated files into <siteDir>/.docusaurus whatever the docs or out dir: two builds of
// one site at once (the browser test and bench:docs) would corrupt each other. One build per site dir.

const lockPath = (siteDir: string): string =>
  path.join(
    tmpdir(),
    `lifeboat-docusaurus-${createHash('sha256').update(siteDir).digest('hex').slice(0, 16)}.lock`,
  );

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export type BuildLock = { ok: true; release: () => Promise<void> } | { ok: false; holder: number };

/** Take the site's build lock, or say which live process holds it (a dead holder's lock is taken over). */
export const takeBuildLock = async (siteDir: string): Promise<BuildLock> => {
  const file = lockPath(siteDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { ok: true, release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return { ok: false, holder };
      await rm(file, { force: true });
    }
  }
  return { ok: false, holder: 0 };
};
