import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARSED_OUTPUT_LIMIT } from '../exec/exec.js';
import { lsjson } from './rclone/rclone.js';
import { snapshots } from './restic/restic.js';

// Whole-output answers (snapshots --json, lsjson) longer than exec keeps: a clear failure naming the size,
// not "output not understood" from parsing a head and tail glued together. Stand-in binaries print the flood.

let dir = '';
const FLOOD = PARSED_OUTPUT_LIMIT + 1024 * 1024;

const standIn = async (name: string, versionLine: string) => {
  const file = join(dir, name);
  await writeFile(
    file,
    `#!/bin/sh\nif [ "$1" = version ] || [ "$1" = --version ]; then echo '${versionLine}'; exit 0; fi\nhead -c ${FLOOD} /dev/zero | tr '\\0' '['\n`,
  );
  await chmod(file, 0o755);
  return file;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-output-limit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('an answer larger than exec keeps', () => {
  it('restic: fails with restic.output-too-large', async () => {
    const binary = await standIn('restic', 'restic 0.14.0 compiled with go1.19.8 on linux/amd64');
    const r = await snapshots({ repository: '/nowhere', env: { RESTIC_PASSWORD: 'pw' }, binary });
    expect(r.outcome).toBe('failed');
    expect(r.outcome === 'failed' && r.error.code).toBe('restic.output-too-large');
    expect(r.outcome === 'failed' && r.error.message).toMatch(/more than 64 MiB/);
  }, 30_000);

  it('rclone: fails with rclone.output-too-large', async () => {
    const binary = await standIn('rclone', 'rclone v1.60.1-DEV');
    const r = await lsjson(dir, { binary });
    expect(r.outcome).toBe('failed');
    expect(r.outcome === 'failed' && r.error.code).toBe('rclone.output-too-large');
  }, 30_000);
});
