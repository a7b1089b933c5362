// Test-only: loop devices over disk image files, so the block-device paths of the image jobs (device sizes,
// cache drops, kernel re-reads) run for real where the test runs as root with /dev/loop-control.
import { access, constants } from 'node:fs/promises';
import { exec } from '../../../exec/exec.js';

/** Why loop devices cannot be used here, or undefined when they can. */
export const loopDevicesUnusable = async (): Promise<string | undefined> => {
  if (process.getuid?.() !== 0) return 'not running as root';
  if (
    !(await access('/dev/loop-control', constants.W_OK).then(
      () => true,
      () => false,
    ))
  )
    return 'no writable /dev/loop-control';
  const probe = await exec('losetup', ['--find'], { timeoutMs: 15_000 });
  return probe.exitCode === 0 ? undefined : `losetup --find exited ${probe.exitCode}: ${probe.stderr.trim()}`;
};

export interface LoopDevice {
  device: string;
  detach: () => Promise<void>;
}

/** `losetup --find --show FILE`; always detach in a finally. */
export const attachLoop = async (file: string): Promise<LoopDevice> => {
  const r = await exec('losetup', ['--find', '--show', file], { timeoutMs: 15_000 });
  const device = r.stdout.trim();
  if (r.exitCode !== 0 || !device.startsWith('/dev/loop'))
    throw new Error(`losetup ${file} exited ${r.exitCode}: ${r.stderr.trim()}`);
  return {
    device,
    detach: async () => {
      await exec('losetup', ['--detach', device], { timeoutMs: 15_000 });
    },
  };
};
