// The rclone adapter: sync, check, size, lsjson and obscure through the exec choke point, with remotes
// defined by environment only, progress from the JSON stats lines, and typed outcomes.
import { exec, execPipeline, PARSED_OUTPUT_LIMIT } from '../../exec/exec.js';
import { outputTooLarge, type ToolError, type ToolResult, type ToolRun } from '../result.js';
import {
  type Built,
  type CheckOptions,
  type CommonOptions,
  checkArgs,
  type LsjsonOptions,
  lsjsonArgs,
  remoteConfigEnv,
  type SyncOptions,
  sizeArgs,
  syncArgs,
} from './args.js';
import { type RcloneCommand, rcloneOutcome } from './outcome.js';
import {
  type CheckReport,
  type LsjsonEntry,
  lastStats,
  parseCheck,
  parseLog,
  parseLogLine,
  parseLsjson,
  parseSize,
  progressFromStats,
  type RcloneLogLine,
  type RcloneProgress,
  type RcloneStats,
  type SizeReport,
} from './parse.js';
import { detectRcloneVersion } from './version.js';

export interface RcloneRunOptions extends CommonOptions {
  /** rclone binary (default `rclone` on PATH). */
  binary?: string;
  /** Remotes by name → settings (`type`, `url`, `user`, obscured `pass`, keys…), passed as RCLONE_CONFIG_<NAME>_<KEY>. */
  remotes?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** More environment (e.g. the policy's `envFrom` variables); never put secrets anywhere else. */
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: RcloneProgress) => void;
  onLogLine?: (line: RcloneLogLine) => void;
}

export interface SyncReport {
  bytes: number;
  transfers: number;
  checks: number;
  deletes: number;
  errors: number;
  elapsedSeconds: number;
}

/** An adapter result that also carries what rclone reported when it did not succeed (an interrupted sync, differences). */
export type RcloneResult<T> = ToolResult<T> & { report: T };

const TOOL = 'rclone';

const environment = (o: RcloneRunOptions): Built<Record<string, string>> => {
  const env: Record<string, string> = { ...o.env };
  for (const [name, settings] of Object.entries(o.remotes ?? {})) {
    const built = remoteConfigEnv(name, settings);
    if (!built.ok) return built;
    Object.assign(env, built.value);
  }
  return { ok: true, value: env };
};

interface Ran {
  run: ToolRun;
  exitCode: number | undefined;
  stdout: string;
  /** exec kept only the head and tail of stdout (past PARSED_OUTPUT_LIMIT). */
  stdoutTruncated: boolean;
  stderr: string;
  cancelled: boolean;
  timedOut: boolean;
  spawnFailed: boolean;
}

const notRun = async (
  o: RcloneRunOptions,
  error: ToolError,
): Promise<{ outcome: 'failed'; error: ToolError } & ToolRun> => {
  const version = await detectRcloneVersion(o.binary);
  return {
    outcome: 'failed',
    error,
    tool: TOOL,
    version: version?.text ?? 'unknown',
    features: [],
    exitCode: undefined,
    durationMs: 0,
  };
};

/**
 * Runs rclone. `sync` and `check` can run for hours printing a stats line a second: they go through
 * execPipeline, which keeps only the head and tail of stderr. Commands whose answer is stdout use exec.
 */
const run = async (
  argv: readonly string[],
  o: RcloneRunOptions,
  env: Record<string, string>,
  how: { stdout: boolean; input?: string },
): Promise<Ran> => {
  const binary = o.binary ?? 'rclone';
  const version = await detectRcloneVersion(binary);
  const onStderrLine = (line: string) => {
    const parsed = parseLogLine(line);
    o.onLogLine?.(parsed);
    if (parsed.stats) o.onProgress?.(progressFromStats(parsed.stats));
  };
  const toolRun = (exitCode: number | undefined, durationMs: number): ToolRun => ({
    tool: TOOL,
    version: version?.text ?? 'unknown',
    features: [],
    exitCode,
    durationMs,
  });
  if (how.stdout) {
    const r = await exec(binary, argv, {
      env,
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      input: how.input,
      onStderrLine,
    });
    return {
      run: toolRun(r.exitCode, r.durationMs),
      exitCode: r.exitCode,
      stdout: r.stdout,
      stdoutTruncated: r.stdoutTruncated,
      stderr: r.stderr,
      cancelled: r.cancelled,
      timedOut: r.timedOut,
      spawnFailed: r.spawnFailed,
    };
  }
  const p = await execPipeline([{ file: binary, args: argv, onStderrLine }], {
    env,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
  });
  const stage = p.stages[0];
  return {
    run: toolRun(stage?.exitCode, p.durationMs),
    exitCode: stage?.exitCode,
    stdout: '',
    stdoutTruncated: false,
    stderr: stage?.stderr ?? '',
    cancelled: p.cancelled,
    timedOut: p.timedOut,
    spawnFailed: stage?.spawnFailed ?? false,
  };
};

const finish = <T>(command: RcloneCommand, ran: Ran, value: T | undefined): ToolResult<T> => {
  const decided = rcloneOutcome({ command, ...ran });
  const error = decided.error ?? { code: 'rclone.failed', message: `rclone ${command} failed` };
  switch (decided.outcome) {
    case 'ok':
    case 'partial':
      if (ran.stdoutTruncated) {
        return {
          outcome: 'failed',
          error: outputTooLarge('rclone.output-too-large', PARSED_OUTPUT_LIMIT),
          ...ran.run,
        };
      }
      if (value === undefined) {
        const message = `rclone ${command} printed no readable result`;
        return { outcome: 'failed', error: { code: 'rclone.unparseable-output', message }, ...ran.run };
      }
      return decided.outcome === 'ok'
        ? { outcome: 'ok', value, ...ran.run }
        : { outcome: 'partial', value, error, ...ran.run };
    default:
      return { outcome: decided.outcome, error, ...ran.run };
  }
};

const syncReport = (stats: RcloneStats | undefined): SyncReport => ({
  bytes: stats?.bytes ?? 0,
  transfers: stats?.transfers ?? 0,
  checks: stats?.checks ?? 0,
  deletes: stats?.deletes ?? 0,
  errors: stats?.errors ?? 0,
  elapsedSeconds: stats?.elapsedSeconds ?? 0,
});

/** `rclone sync SRC DST`: makes DST identical to SRC (deleting extra files in DST). Follow it with `check`. */
export const sync = async (
  source: string,
  destination: string,
  options: RcloneRunOptions & SyncOptions = {},
): Promise<RcloneResult<SyncReport>> => {
  const argv = syncArgs(source, destination, options);
  const env = environment(options);
  const empty = syncReport(undefined);
  if (!argv.ok) return { ...(await notRun(options, argv.error)), report: empty };
  if (!env.ok) return { ...(await notRun(options, env.error)), report: empty };
  const ran = await run(argv.value, options, env.value, { stdout: false });
  const report = syncReport(lastStats(parseLog(ran.stderr)));
  return { ...finish('sync', ran, report), report };
};

/** `rclone check SRC DST`: ok when identical; failed `rclone.differences` (with the report) when not. */
export const check = async (
  source: string,
  destination: string,
  options: RcloneRunOptions & CheckOptions = {},
): Promise<RcloneResult<CheckReport>> => {
  const argv = checkArgs(source, destination, options);
  const env = environment(options);
  const empty: CheckReport = { differences: undefined, matching: undefined, missing: 0, items: [] };
  if (!argv.ok) return { ...(await notRun(options, argv.error)), report: empty };
  if (!env.ok) return { ...(await notRun(options, env.error)), report: empty };
  const ran = await run(argv.value, options, env.value, { stdout: false });
  const report = parseCheck(ran.stderr);
  return { ...finish('check', ran, report), report };
};

/** `rclone size --json PATH`: object count and total bytes. */
export const size = async (path: string, options: RcloneRunOptions = {}): Promise<ToolResult<SizeReport>> => {
  const argv = sizeArgs(path, options);
  const env = environment(options);
  if (!argv.ok) return notRun(options, argv.error);
  if (!env.ok) return notRun(options, env.error);
  const ran = await run(argv.value, options, env.value, { stdout: true });
  return finish('size', ran, parseSize(ran.stdout));
};

/** `rclone lsjson PATH`: the listing as typed entries. */
export const lsjson = async (
  path: string,
  options: RcloneRunOptions & LsjsonOptions = {},
): Promise<ToolResult<LsjsonEntry[]>> => {
  const argv = lsjsonArgs(path, options);
  const env = environment(options);
  if (!argv.ok) return notRun(options, argv.error);
  if (!env.ok) return notRun(options, env.error);
  const ran = await run(argv.value, options, env.value, { stdout: true });
  return finish('lsjson', ran, parseLsjson(ran.stdout));
};

/**
 * rclone's reversible obscuring of a password, as RCLONE_CONFIG_<NAME>_PASS expects it. The secret goes
 * through stdin (`rclone obscure -`), never argv.
 */
export const obscure = async (
  secret: string,
  options: Pick<RcloneRunOptions, 'binary' | 'signal' | 'timeoutMs'> = {},
): Promise<ToolResult<string>> => {
  const ran = await run(
    ['obscure', '-'],
    { ...options, timeoutMs: options.timeoutMs ?? 15_000 },
    {},
    {
      stdout: true,
      input: secret,
    },
  );
  const value = ran.stdout.trim();
  return finish('obscure', ran, value === '' ? undefined : value);
};
