import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Throw-away git repositories for plan tests; the environment pins identity and hides the user's git config.

const run = promisify(execFile);

export interface TempRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): Promise<string>;
  write(file: string, text: string): Promise<void>;
  link(file: string, target: string): Promise<void>;
  remove(file: string): Promise<void>;
  /** Stage everything and commit. */
  commit(message: string): Promise<void>;
  dispose(): Promise<void>;
}

export const isolatedGitEnv = (home: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Lifeboat Test',
  GIT_AUTHOR_EMAIL: 'test@lifeboat.example',
  GIT_COMMITTER_NAME: 'Lifeboat Test',
  GIT_COMMITTER_EMAIL: 'test@lifeboat.example',
});

export const createTempRepo = async (): Promise<TempRepo> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-plan-'));
  const env = isolatedGitEnv(dir);
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir, env })).stdout;
  await git('init', '-q', '-b', 'main');
  return {
    dir,
    env,
    git,
    write: async (file, text) => {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    },
    link: async (file, target) => {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await symlink(target, path.join(dir, file));
    },
    remove: (file) => rm(path.join(dir, file)),
    commit: async (message) => {
      await git('add', '-A');
      await git('commit', '-q', '-m', message);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
};
