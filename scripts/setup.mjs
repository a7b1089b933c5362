#!/usr/bin/env node
// Makes a fresh clone runnable: system tools, npm packages, build. Safe to run again (does only what is missing).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const log = (msg) => quiet || process.stderr.write(`setup: ${msg}\n`);

/** Debian packages the test suite and the demo drive for real; binary → package. */
export const SYSTEM_TOOLS = {
  git: 'git',
  restic: 'restic',
  rclone: 'rclone',
  'partclone.ext4': 'partclone',
  zstd: 'zstd',
  'mkfs.ext4': 'e2fsprogs',
  'mkfs.vfat': 'dosfstools',
  mcopy: 'mtools',
  sfdisk: 'fdisk',
  sgdisk: 'gdisk',
};

const has = (bin) =>
  ['/usr/bin', '/usr/sbin', '/bin', '/sbin', ...(process.env.PATH ?? '').split(':')].some(
    (dir) => dir && existsSync(`${dir}/${bin}`),
  );

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    ...opts,
  });
  if (r.status !== 0) {
    process.stderr.write(`setup: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
};

/** Only the test suite needs a browser (the runbook site's browser test); the demo doesn't pay for it. */
export const BROWSER_TOOLS = { chromium: 'chromium' };

const wanted = process.argv.includes('--browser') ? { ...SYSTEM_TOOLS, ...BROWSER_TOOLS } : SYSTEM_TOOLS;
const missing = Object.entries(wanted).filter(([bin]) => !has(bin));
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `setup: missing ${pkgs.join(', ')}; install them with: sudo apt-get install -y ${pkgs.join(' ')}\n`,
    );
    process.exit(1);
  }
  log(`installing ${pkgs.join(', ')} with apt-get`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

// npm ci when node_modules is absent or older than the lockfile.
const marker = `${root}/node_modules/.package-lock.json`;
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(`${root}/package-lock.json`).mtimeMs) {
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

log('building (tsc -b)');
run(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-b']);
