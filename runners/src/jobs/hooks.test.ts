import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { runHook, siteSecretNames } from './hooks.js';
import { contextOf, inventoryOf, PASSWORD_VAR, siteDoc } from './testing/restic-site.js';

let root = '';
useTempRoot('jobs-hooks', (dir) => {
  root = dir;
});

const site = siteDoc({
  repository: '/srv/restic',
  credentials: { passwordEnv: PASSWORD_VAR, envFrom: ['AWS_SECRET_ACCESS_KEY'] },
  offsite: [{ name: 'cloud', remote: 'b2', path: 'bucket', envFrom: ['RCLONE_CONFIG_B2_KEY'] }],
});
const setup = (env: Record<string, string> = {}, signal?: AbortSignal) =>
  contextOf({
    inventory: inventoryOf([site], []),
    stateDir: root,
    sandboxDir: root,
    env,
    ...(signal ? { signal } : {}),
  }).context;

describe('runHook', () => {
  it('runs the argv in its working directory with lifeboat’s variables', async () => {
    const out = join(root, 'pwd.txt');
    const r = await runHook(
      {
        command: ['/bin/sh', '-c', `echo "$(pwd) $LIFEBOAT_HOOK $LIFEBOAT_POLICY" > "${out}"`],
        timeout: '1m',
        workingDir: root,
      },
      'pre',
      setup(),
      { LIFEBOAT_POLICY: 'share' },
    );
    expect(r.ok).toBe(true);
    expect(await readFile(out, 'utf8')).toBe(`${root} pre share\n`);
  });

  it('a program that does not exist, a zero timeout and a missing named variable are failures with codes', async () => {
    const missing = await runHook({ command: ['/nonexistent/pg_dump'], timeout: '1m' }, 'pre', setup(), {});
    expect(missing.ok ? '' : missing.error.code).toBe('hook.not-found');
    const zero = await runHook({ command: ['/bin/true'], timeout: '0m' }, 'pre', setup(), {});
    expect(zero.ok ? '' : zero.error.code).toBe('hook.bad-timeout');
    const unset = await runHook(
      { command: ['/bin/true'], timeout: '1m', env: ['PGPASSWORD'] },
      'pre',
      setup(),
      {},
    );
    expect(unset.ok ? '' : `${unset.outcome} ${unset.error.code} ${unset.error.message}`).toMatch(
      /^auth credentials\.missing .*PGPASSWORD/,
    );
  });

  it('is cancelled with the job, and stopped at its limit', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const cancelled = await runHook(
      { command: ['/bin/sleep', '30'], timeout: '1m' },
      'post',
      setup({}, controller.signal),
      {},
    );
    expect(cancelled.ok ? '' : `${cancelled.outcome} ${cancelled.error.code}`).toBe(
      'cancelled hook.cancelled',
    );
    const capped = await runHook({ command: ['/bin/sleep', '30'], timeout: '1m' }, 'post', setup(), {}, 300);
    expect(capped.ok ? '' : capped.error.message).toBe(
      'post hook "/bin/sleep" ran past its 0.3s (runner cap) limit and was stopped',
    );
  });

  it('knows which of the runner’s variables are the site’s secrets', () => {
    expect(siteSecretNames(site).sort()).toEqual(
      [
        'AWS_SECRET_ACCESS_KEY',
        PASSWORD_VAR,
        'RCLONE_CONFIG_B2_KEY',
        'RESTIC_PASSWORD',
        'RESTIC_PASSWORD_COMMAND',
        'RESTIC_PASSWORD_FILE',
      ].sort(),
    );
  });
});
