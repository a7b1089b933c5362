// Runs the built `lifeboat` CLI as a user would (no shell) and captures what the user would see.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails loudly when the CLI has not been built, instead of every scenario failing obscurely. */
export const requireBuiltCli = (): void => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npx tsc -b" before the e2e tests`);
};

export const runCli = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`lifeboat ${args.join(' ')} did not exit normally: ${error.message}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });

/** A V8 stack frame line: bad input must never produce one. */
export const STACK_FRAME = /^\s+at /m;

/** Path → content hash (or link target) of everything under `dir`, links not followed. */
export const snapshotTree = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    for (const name of readdirSync(path.join(dir, rel))) {
      const child = path.join(rel, name);
      const full = path.join(dir, child);
      const info = lstatSync(full);
      if (info.isSymbolicLink()) out[child] = `link:${readlinkSync(full)}`;
      else if (info.isDirectory()) pending.push(child);
      else out[child] = `${info.mode}:${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
    }
  }
  return out;
};

const isUnsafe = (c: number) =>
  (c < 0x20 && c !== 0x0a) ||
  (c >= 0x7f && c <= 0x9f) ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069);

/**
 * The first character, as `U+XXXX at N`, that a terminal or log would act on instead of showing:
 * controls other than newline, C1, line separators and bidi overrides. Undefined when there is none.
 */
export const unsafeCharacter = (text: string): string | undefined => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isUnsafe(c)) return `U+${c.toString(16).padStart(4, '0').toUpperCase()} at ${i}`;
  }
  return undefined;
};
