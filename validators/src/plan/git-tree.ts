import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import {
  DEFAULT_LIMITS,
  fileProblem,
  INVENTORY_DIRS,
  type LoadLimits,
  type Problem,
  quote,
  type SourceFile,
} from '@lifeboat/core';

// The base side of a plan: the inventory files exactly as committed at a ref, read from git without a checkout.

/** A mistake the user can fix (unknown ref, not a repository): one line, exit 2. */
export class GitUsageError extends Error {}

export interface InventoryAtRef {
  /** The full commit id the ref resolved to. */
  commit: string;
  files: SourceFile[];
  /** Files refused before parsing (too large, symbolic links). */
  problems: Problem[];
}

interface GitOutput {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

const DATA_FILE = /\.ya?ml$/i;

const runGit = (cwd: string, args: readonly string[], input?: string): Promise<GitOutput> =>
  new Promise((resolve, reject) => {
    // --literal-pathspecs: a folder name with `*` or `:` in it is a name, not a pattern.
    const child = spawn('git', ['--literal-pathspecs', ...args], {
      cwd,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // git may exit before reading all of stdin (bad object): its exit code says so, EPIPE must not crash us.
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new GitUsageError('git is not installed or not on PATH') : e),
    );
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(input ?? '');
  });

const firstLine = (text: string) => text.trim().split('\n')[0]?.trim() ?? '';

/** Refs are passed to git as arguments: anything that could read as an option or break a line is refused. */
export const checkRef = (ref: string): void => {
  if (ref === '') throw new GitUsageError('--base needs a git ref, e.g. origin/main');
  if (ref.startsWith('-'))
    throw new GitUsageError(`invalid git ref ${quote(ref)}: a ref may not start with "-"`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(ref) || ref.length > 1000)
    throw new GitUsageError(`invalid git ref ${quote(ref)}`);
};

/** Where `root` sits inside its git work tree (`''` at the top, `inventory/` below it). */
const workTreePrefix = async (root: string): Promise<string> => {
  const isDirectory = await stat(root).then(
    (info) => info.isDirectory(),
    () => {
      throw new GitUsageError(`--root ${quote(root)} does not exist`);
    },
  );
  if (!isDirectory) throw new GitUsageError(`--root ${quote(root)} is not a directory`);
  const result = await runGit(root, ['rev-parse', '--is-inside-work-tree', '--show-prefix']);
  const [inside, prefix = ''] = result.stdout.toString('utf8').split('\n');
  if (result.code !== 0 || inside !== 'true') {
    const detail = firstLine(result.stderr);
    throw new GitUsageError(
      `${quote(root)} is not inside a git work tree${detail ? ` (${quote(detail, 120)})` : ''}`,
    );
  }
  return prefix;
};

const resolveCommit = async (root: string, ref: string): Promise<string> => {
  const result = await runGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const commit = result.stdout.toString('utf8').trim();
  if (result.code !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new GitUsageError(`unknown git ref ${quote(ref)}: no commit by that name here (fetched?)`);
  }
  return commit;
};

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
  path: string;
}

/** `git ls-tree -l -z` lines: `<mode> <type> <object> <size>\t<path>\0`. */
const parseLsTree = (out: Buffer): TreeEntry[] =>
  out
    .toString('utf8')
    .split('\0')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, object, size] = line.slice(0, tab).split(/\s+/);
      if (tab < 0 || !mode || !type || !object) return [];
      return [{ mode, type, object, size: size === '-' ? 0 : Number(size), path: line.slice(tab + 1) }];
    });

/** `git cat-file --batch` output: `<object> <type> <size>\n<content>\n` per requested object, in order. */
const parseBatch = (out: Buffer, objects: readonly string[]): Map<string, Buffer> => {
  const contents = new Map<string, Buffer>();
  let at = 0;
  for (const requested of objects) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    contents.set(requested, out.subarray(at, at + size));
    at += size + 1;
  }
  return contents;
};

const refused = (file: string, code: string, message: string): Problem =>
  fileProblem(code, 'error', message, file);

/**
 * Read `sites/`, `policies/` and `images/` under `root` as committed at `ref`. `root` may be a sub-folder of
 * the work tree; paths in the result are relative to it, as `loadInventory(root)` gives them for the working tree.
 */
export const readInventoryAtRef = async (
  root: string,
  ref: string,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<InventoryAtRef> => {
  checkRef(ref);
  const prefix = await workTreePrefix(root);
  const commit = await resolveCommit(root, ref);
  const listing = await runGit(root, [
    'ls-tree',
    '-r',
    '-z',
    '-l',
    '--full-tree',
    commit,
    '--',
    ...INVENTORY_DIRS.map((d) => `${prefix}${d}`),
  ]);
  if (listing.code !== 0)
    throw new GitUsageError(`cannot list ${quote(ref)}: ${quote(firstLine(listing.stderr), 120)}`);

  const problems: Problem[] = [];
  const wanted: TreeEntry[] = [];
  for (const entry of parseLsTree(listing.stdout)) {
    if (!entry.path.startsWith(prefix) || !DATA_FILE.test(entry.path) || entry.type !== 'blob') continue;
    const rel = entry.path.slice(prefix.length);
    if (entry.mode === '120000') {
      problems.push(
        refused(
          rel,
          'inventory.outside-root',
          'file is a symbolic link in git; links are not followed at the base ref',
        ),
      );
    } else if (entry.size > limits.maxFileBytes) {
      problems.push(
        refused(
          rel,
          'yaml.too-large',
          `file is ${entry.size} bytes, over the limit of ${limits.maxFileBytes} bytes`,
        ),
      );
    } else {
      wanted.push({ ...entry, path: rel });
    }
  }
  if (wanted.length === 0) return { commit, files: [], problems };

  const objects = wanted.map((e) => e.object);
  const batch = await runGit(root, ['cat-file', '--batch'], `${objects.join('\n')}\n`);
  if (batch.code !== 0)
    throw new GitUsageError(`cannot read files at ${quote(ref)}: ${quote(firstLine(batch.stderr), 120)}`);
  const contents = parseBatch(batch.stdout, objects);
  const files: SourceFile[] = [];
  for (const entry of wanted) {
    const content = contents.get(entry.object);
    if (content) files.push({ path: entry.path, content });
    else
      problems.push(refused(entry.path, 'inventory.unreadable', 'cannot read file from git: object missing'));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { commit, files, problems };
};
