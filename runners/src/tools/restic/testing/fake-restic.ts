// A stand-in restic (a shell script) that replays captured output and records each call's argv and
// password/repository environment, to test the adapter's retry, env and refusal logic deterministically.

import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResticFixture } from './fixtures.js';

export interface FakeResticOptions {
  /** e.g. `0.14.0`, `0.17.1`. */
  version: string;
  /** The first N calls fail with a lock conflict (exit 1 on < 0.17, 11 after). */
  lockedCalls?: number;
  /** What the calls after that print and exit with. */
  reply?: Pick<ResticFixture, 'stdout' | 'stderr' | 'exitCode'>;
  /** Seconds each call sleeps before answering (to test timeouts and cancellation). */
  sleepSeconds?: number;
}

export interface FakeCall {
  argv: string[];
  env: Record<string, string | undefined>;
}

export interface FakeRestic {
  binary: string;
  calls: () => Promise<FakeCall[]>;
}

const LOCK_STDERR = [
  'unable to create lock in backend: repository is already locked by PID 4242 on other-host by root (UID 0, GID 0)',
  'lock was created at 2026-01-01 00:00:00 (1m0s ago)',
  'storage ID 1a2b3c4d',
  'the `unlock` command can be used to remove stale locks',
  '',
].join('\n');

const ENV_VARS = [
  'RESTIC_PASSWORD',
  'RESTIC_PASSWORD_FILE',
  'RESTIC_PASSWORD_COMMAND',
  'RESTIC_REPOSITORY',
  'RESTIC_REPOSITORY_FILE',
  'AWS_ACCESS_KEY_ID',
];

export const fakeRestic = async (dir: string, options: FakeResticOptions): Promise<FakeRestic> => {
  await mkdir(dir, { recursive: true });
  const reply = options.reply ?? { stdout: '', stderr: '', exitCode: 0 };
  await writeFile(join(dir, 'stdout'), reply.stdout);
  await writeFile(join(dir, 'stderr'), reply.stderr);
  await writeFile(join(dir, 'lock-stderr'), LOCK_STDERR);
  const [major = 0, minor = 0] = options.version.split('.').map(Number);
  const lockExit = major > 0 || minor >= 17 ? 11 : 1;
  const envDump = ENV_VARS.map((v) => `printf '%s=%s\\n' ${v} "\${${v}-<unset>}"`).join('\n');
  const script = `#!/bin/sh
D='${dir}'
if [ "$1" = version ]; then echo 'restic ${options.version} compiled with go1.19.8 on linux/amd64'; exit 0; fi
n=$(cat "$D/count" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$D/count"
for a in "$@"; do printf '%s\\n' "$a"; done > "$D/call-$n.argv"
{
${envDump}
} > "$D/call-$n.env"
# Like restic: SIGINT → clean up, exit 130. A background sleep + wait keeps the trap responsive.
trap 'echo "signal interrupt received, cleaning up" >&2; kill $! 2>/dev/null; exit 130' INT
sleep ${options.sleepSeconds ?? 0} & wait $!
if [ "$n" -le ${options.lockedCalls ?? 0} ]; then cat "$D/lock-stderr" >&2; exit ${lockExit}; fi
cat "$D/stdout"; cat "$D/stderr" >&2; exit ${reply.exitCode}
`;
  const binary = join(dir, 'restic');
  await writeFile(binary, script);
  await chmod(binary, 0o755);
  return {
    binary,
    calls: async () => {
      const names = (await readdir(dir)).filter((f) => /^call-\d+\.argv$/.test(f));
      const calls: FakeCall[] = [];
      for (let n = 1; n <= names.length; n++) {
        const argv = (await readFile(join(dir, `call-${n}.argv`), 'utf8')).split('\n').slice(0, -1);
        const env: Record<string, string | undefined> = {};
        for (const line of (await readFile(join(dir, `call-${n}.env`), 'utf8')).split('\n')) {
          const at = line.indexOf('=');
          if (at > 0) {
            const value = line.slice(at + 1);
            env[line.slice(0, at)] = value === '<unset>' ? undefined : value;
          }
        }
        calls.push({ argv, env });
      }
      return calls;
    },
  };
};
