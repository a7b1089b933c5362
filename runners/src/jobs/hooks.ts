// A policy's pre/post backup hooks (a database dump before, a service restart after): argv through the
// exec choke point, a time limit from the policy, and only the environment the hook names.

import { type Hook, parseDuration, quote, type Site } from '@lifeboat/core';
import { exec } from '../exec/exec.js';
import type { ToolError } from '../tools/result.js';
import type { JobContext } from './job.js';
import { namedEnv } from './repository.js';

export type HookPhase = 'pre' | 'post';

export type HookResult =
  | { ok: true; durationMs: number }
  | { ok: false; outcome: 'failed' | 'auth' | 'cancelled' | 'locked'; error: ToolError; durationMs: number };

const lastLine = (text: string): string =>
  text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1) ?? '';

/** Secrets the site names for restic and rclone: a hook gets them only when it names them itself. */
export const siteSecretNames = (site: Site): string[] => {
  const names = new Set<string>(['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND']);
  for (const target of site.spec.nas) {
    if (target.credentials.passwordEnv) names.add(target.credentials.passwordEnv);
    for (const n of target.credentials.envFrom ?? []) names.add(n);
  }
  for (const remote of site.spec.offsite ?? []) for (const n of remote.envFrom ?? []) names.add(n);
  return [...names];
};

/**
 * Runs one hook. `vars` are lifeboat's own (LIFEBOAT_POLICY, LIFEBOAT_OUTCOME, …). The runner's secrets
 * are blanked unless the hook names them in `env` (the child still inherits the rest of the runner's
 * environment: exec extends it).
 */
export const runHook = async (
  hook: Hook,
  phase: HookPhase,
  context: JobContext,
  vars: Record<string, string>,
  /** Caps the hook's own timeout (a runner-wide ceiling; tests keep timeouts short with it). */
  capMs?: number,
): Promise<HookResult> => {
  const started = performance.now();
  const took = () => performance.now() - started;
  const timeoutSeconds = parseDuration(hook.timeout);
  if (timeoutSeconds === undefined || timeoutSeconds <= 0) {
    return {
      ok: false,
      outcome: 'failed',
      error: {
        code: 'hook.bad-timeout',
        message: `${phase} hook timeout ${quote(hook.timeout)} is not a duration`,
      },
      durationMs: took(),
    };
  }
  const named = namedEnv(hook.env ?? [], context.env, `the ${phase} hook`);
  if (!named.ok) return { ok: false, outcome: named.outcome, error: named.error, durationMs: took() };
  const blanked: Record<string, undefined> = {};
  for (const name of siteSecretNames(context.site.value)) blanked[name] = undefined;
  const limitMs = Math.min(timeoutSeconds * 1000, capMs ?? Number.POSITIVE_INFINITY);
  const limit = limitMs < timeoutSeconds * 1000 ? `${limitMs / 1000}s (runner cap)` : hook.timeout;
  const [file, ...args] = hook.command;
  if (file === undefined) {
    return {
      ok: false,
      outcome: 'failed',
      error: { code: 'hook.failed', message: `${phase} hook has no command` },
      durationMs: took(),
    };
  }
  const r = await exec(file, args, {
    env: { ...blanked, ...named.value, ...vars, LIFEBOAT_HOOK: phase },
    timeoutMs: limitMs,
    ...(hook.workingDir !== undefined ? { cwd: hook.workingDir } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const what = `${phase} hook ${quote(file)}`;
  if (r.spawnFailed) {
    return {
      ok: false,
      outcome: 'failed',
      error: { code: 'hook.not-found', message: `${what} could not be started (missing or not executable?)` },
      durationMs: r.durationMs,
    };
  }
  if (r.timedOut) {
    return {
      ok: false,
      outcome: 'failed',
      error: { code: 'hook.timeout', message: `${what} ran past its ${limit} limit and was stopped` },
      durationMs: r.durationMs,
    };
  }
  if (r.cancelled) {
    return {
      ok: false,
      outcome: 'cancelled',
      error: { code: 'hook.cancelled', message: `${what} was cancelled` },
      durationMs: r.durationMs,
    };
  }
  if (r.exitCode !== 0) {
    const said = lastLine(r.stderr) || lastLine(r.stdout);
    return {
      ok: false,
      outcome: 'failed',
      error: {
        code: 'hook.failed',
        message: `${what} exited ${r.exitCode ?? `by signal ${r.signal ?? 'unknown'}`}${said ? `: ${quote(said, 160)}` : ''}`,
      },
      durationMs: r.durationMs,
    };
  }
  return { ok: true, durationMs: r.durationMs };
};
