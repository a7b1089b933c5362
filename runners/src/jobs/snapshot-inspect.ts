// What restores need to know about one snapshot before touching a disk: its restore size (`stats
// <id> --mode restore-size`) and its files (`ls --json --recursive <id>`). The restic adapter's `stats`
// covers whole repositories and it has no `ls`, so these two run here, through the same exec choke point,
// environment and outcome classification as the adapter (see the report: they belong in the adapter).

import { quote } from '@lifeboat/core';
import { exec } from '../exec/exec.js';
import {
  classifyRestic,
  detectRestic,
  jsonLine,
  parseStats,
  passwordProblem,
  type ResticTarget,
  resticEnvironment,
} from '../tools/restic/index.js';
import type { ToolError, ToolResult } from '../tools/result.js';

export interface InspectOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

const SNAPSHOT_ID = /^[0-9a-f]{8,64}$/;

const refused = (error: ToolError, version = 'unknown'): ToolResult<never> => ({
  outcome: 'failed',
  error,
  tool: 'restic',
  version,
  features: [],
  exitCode: undefined,
  durationMs: 0,
});

const runRestic = async <T>(
  target: ResticTarget,
  argv: string[],
  options: InspectOptions,
  parse: (stdout: string) => { ok: true; value: T } | { ok: false; message: string },
): Promise<ToolResult<T>> => {
  const detected = await detectRestic(target.binary ?? 'restic');
  if (!detected.ok) return refused(detected.error);
  const version = detected.info.version.version;
  const problem = passwordProblem(target.env);
  if (problem) return refused(problem, version);
  const r = await exec(
    target.binary ?? 'restic',
    [...(target.cacheDir !== undefined ? [`--cache-dir=${target.cacheDir}`] : []), ...argv],
    {
      env: resticEnvironment(target),
      killSignal: 'SIGINT',
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    },
  );
  const run = { tool: 'restic', version, features: [], exitCode: r.exitCode, durationMs: r.durationMs };
  const classified = classifyRestic(r, detected.info.features);
  if (classified.outcome !== 'ok') {
    const error = classified.error ?? { code: 'restic.failed', message: 'restic failed' };
    return { ...run, outcome: classified.outcome === 'partial' ? 'failed' : classified.outcome, error };
  }
  const parsed = parse(r.stdout);
  if (!parsed.ok)
    return {
      ...run,
      outcome: 'failed',
      error: { code: 'restic.output-unparsable', message: parsed.message },
    };
  return { ...run, outcome: 'ok', value: parsed.value };
};

export interface RestoreSize {
  bytes: number;
  files: number;
}

/** Bytes and files a full restore of the snapshot writes. */
export const snapshotRestoreSize = (
  target: ResticTarget,
  snapshotId: string,
  options: InspectOptions = {},
): Promise<ToolResult<RestoreSize>> => {
  if (!SNAPSHOT_ID.test(snapshotId)) {
    return Promise.resolve(
      refused({ code: 'restic.bad-option', message: `snapshot ${quote(snapshotId)} is not a snapshot id` }),
    );
  }
  return runRestic(target, ['stats', '--json', '--mode=restore-size', snapshotId], options, (stdout) => {
    const parsed = parseStats(stdout);
    return parsed.ok
      ? { ok: true, value: { bytes: parsed.value.totalSize, files: parsed.value.totalFileCount } }
      : parsed;
  });
};

/** Which snapshot `latest` means: the newest with all these tags (and this host, when given). */
export interface LatestOf {
  tags: readonly string[];
  host?: string;
}

export interface LatestRestoreSize extends RestoreSize {
  /** Snapshots the filter matched: 1, or 0 when restic found none (it then prints zeros, not an error). */
  snapshots: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const BAD_FILTER = /[\u0000-\u001f\u007f]/;

/**
 * Restore size of the newest snapshot matching `of`, resolved by restic itself, so it needs no snapshot id
 * and can run alongside the `snapshots` call that picks one (each restic call pays the key derivation).
 * restic's stats JSON names no snapshot: callers compare against the id they picked only by its size.
 */
export const latestRestoreSize = (
  target: ResticTarget,
  of: LatestOf,
  options: InspectOptions = {},
): Promise<ToolResult<LatestRestoreSize>> => {
  const values = [...of.tags, ...(of.host === undefined ? [] : [of.host])];
  const bad =
    values.find((v) => v.trim() === '' || BAD_FILTER.test(v)) ?? of.tags.find((t) => t.includes(','));
  if (bad !== undefined || of.tags.length === 0) {
    return Promise.resolve(
      refused({
        code: 'restic.bad-option',
        message:
          bad === undefined
            ? 'latest needs at least one tag to pick the snapshot by'
            : `filter ${quote(bad)} is empty, has a control character or (a tag) a comma`,
      }),
    );
  }
  const filters = [
    ...of.tags.map((t) => `--tag=${t}`),
    ...(of.host === undefined ? [] : [`--host=${of.host}`]),
  ];
  return runRestic(
    target,
    ['stats', '--json', '--mode=restore-size', ...filters, 'latest'],
    options,
    (stdout) => {
      const parsed = parseStats(stdout);
      return parsed.ok
        ? {
            ok: true,
            value: {
              bytes: parsed.value.totalSize,
              files: parsed.value.totalFileCount,
              snapshots: parsed.value.snapshotsCount,
            },
          }
        : parsed;
    },
  );
};

export interface SnapshotNode {
  path: string;
  type: string;
  /** Bytes, for files. */
  size: number;
}

/** Parses `ls --json` output: the snapshot line first, then one node per line. */
export const parseLs = (
  stdout: string,
): { ok: true; value: SnapshotNode[] } | { ok: false; message: string } => {
  const nodes: SnapshotNode[] = [];
  let sawSnapshot = false;
  for (const line of stdout.split('\n')) {
    const r = jsonLine(line);
    if (!r) continue;
    if (r.struct_type === 'snapshot') sawSnapshot = true;
    if (r.struct_type !== 'node' || typeof r.path !== 'string' || typeof r.type !== 'string') continue;
    nodes.push({ path: r.path, type: r.type, size: typeof r.size === 'number' ? r.size : 0 });
  }
  return sawSnapshot
    ? { ok: true, value: nodes }
    : { ok: false, message: 'ls --json printed no snapshot line' };
};

/** Every node of the snapshot, or of the subtrees under `paths`. */
export const listSnapshot = (
  target: ResticTarget,
  snapshotId: string,
  paths: readonly string[] = [],
  options: InspectOptions = {},
): Promise<ToolResult<SnapshotNode[]>> => {
  if (!SNAPSHOT_ID.test(snapshotId)) {
    return Promise.resolve(
      refused({ code: 'restic.bad-option', message: `snapshot ${quote(snapshotId)} is not a snapshot id` }),
    );
  }
  const bad = paths.find((p) => !p.startsWith('/'));
  if (bad !== undefined) {
    return Promise.resolve(
      refused({ code: 'restic.bad-option', message: `path ${quote(bad)} is not absolute` }),
    );
  }
  return runRestic(target, ['ls', '--json', '--recursive', snapshotId, ...paths], options, parseLs);
};
