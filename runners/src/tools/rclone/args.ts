// argv for rclone, built from checked values only: remotes are `name:path`, `:local:/path` or absolute
// paths, and settings (credentials included) travel as RCLONE_CONFIG_<NAME>_<KEY> environment, never argv.
import { quote } from '@lifeboat/core';
import type { ToolError } from '../result.js';

export type Built<T> = { ok: true; value: T } | { ok: false; error: ToolError };

const invalid = <T>(message: string): Built<T> => ({
  ok: false,
  error: { code: 'rclone.invalid-argument', message },
});

/** rclone's own rule for remote names (letters, digits, `_ . + @ -` and inner spaces), minus a leading `-`. */
const REMOTE_NAME = /^[A-Za-z0-9_.+@](?:[A-Za-z0-9_.+@ -]*[A-Za-z0-9_.+@-])?$/;
/** Newlines, escapes and other C0 controls (and DEL) never belong in a path. */
const hasControl = (text: string): boolean =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
const hasDotDot = (path: string) => path.split('/').includes('..');

export type RemoteKind = 'local' | 'remote';

export interface RemotePath {
  /** Exactly what goes into argv. */
  spec: string;
  kind: RemoteKind;
  /** The configured remote's name for `name:path`. */
  remote?: string;
}

/** Accepts `name:path`, `:local:/abs/path` or `/abs/path`; refuses connection strings (they carry settings in argv). */
export const checkRemotePath = (spec: string): Built<RemotePath> => {
  if (spec === '') return invalid('empty rclone path');
  if (hasControl(spec)) return invalid(`rclone path ${quote(spec)} contains control characters`);
  if (spec.startsWith('/')) {
    if (hasDotDot(spec)) return invalid(`rclone path ${quote(spec)} contains ".."`);
    return { ok: true, value: { spec, kind: 'local' } };
  }
  if (spec.startsWith(':')) {
    const local = /^:local:(\/.*)$/.exec(spec);
    if (!local?.[1]) {
      return invalid(
        `rclone path ${quote(spec)}: only ":local:/absolute/path" may be given inline; configure other backends as a named remote through RCLONE_CONFIG_<NAME>_* variables`,
      );
    }
    if (hasDotDot(local[1])) return invalid(`rclone path ${quote(spec)} contains ".."`);
    return { ok: true, value: { spec, kind: 'local' } };
  }
  const colon = spec.indexOf(':');
  const name = colon > 0 ? spec.slice(0, colon) : '';
  if (!REMOTE_NAME.test(name)) {
    // Also refuses connection strings (`remote,key=value:`), which would put settings into argv.
    return invalid(`rclone path ${quote(spec)} is not "remote:path", ":local:/path" or an absolute path`);
  }
  const path = spec.slice(colon + 1);
  if (hasDotDot(path)) return invalid(`rclone path ${quote(spec)} contains ".."`);
  return { ok: true, value: { spec, kind: 'remote', remote: name } };
};

const SETTING_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Environment that defines remote `name` for rclone without a config file: `RCLONE_CONFIG_<NAME>_<KEY>`.
 * rclone upper-cases the name and keeps its dashes (`my-remote` → `RCLONE_CONFIG_MY-REMOTE_TYPE`), and
 * turns dashes in keys into underscores. Passwords must already be obscured (see `obscure`).
 */
export const remoteConfigEnv = (
  name: string,
  settings: Readonly<Record<string, string>>,
): Built<Record<string, string>> => {
  if (!REMOTE_NAME.test(name)) return invalid(`rclone remote name ${quote(name)} is not valid`);
  if (settings.type === undefined) return invalid(`rclone remote ${quote(name)} has no "type" setting`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (!SETTING_KEY.test(key))
      return invalid(`rclone remote ${quote(name)}: setting ${quote(key)} is not a key`);
    env[`RCLONE_CONFIG_${name.toUpperCase()}_${key.toUpperCase().replaceAll('-', '_')}`] = value;
  }
  return { ok: true, value: env };
};

/** `--bwlimit`: a rate such as `512K`, `10M`, `1.5M`, or `off`. */
export const checkBwlimit = (limit: string): Built<string> =>
  /^(off|[0-9]+(\.[0-9]+)?[BKMGTPbkmgtp]?)$/.test(limit)
    ? { ok: true, value: limit }
    : invalid(`bwlimit ${quote(limit)} is not a rate such as "512K" or "10M"`);

export interface CommonOptions {
  /** rclone config file; default none (`--config ""`): remotes come from RCLONE_CONFIG_* only. */
  configFile?: string;
  /** Whole-operation retries (rclone's default is 3). */
  retries?: number;
  lowLevelRetries?: number;
}

const common = (o: CommonOptions): Built<string[]> => {
  const argv = ['--config', o.configFile ?? '', '--use-json-log'];
  for (const [flag, n] of [
    ['--retries', o.retries],
    ['--low-level-retries', o.lowLevelRetries],
  ] as const) {
    if (n === undefined) continue;
    if (!Number.isInteger(n) || n < 1 || n > 100) return invalid(`${flag} must be an integer from 1 to 100`);
    argv.push(flag, String(n));
  }
  return { ok: true, value: argv };
};

const paths = (...specs: string[]): Built<string[]> => {
  const out: string[] = [];
  for (const spec of specs) {
    const checked = checkRemotePath(spec);
    if (!checked.ok) return checked;
    out.push(checked.value.spec);
  }
  return { ok: true, value: out };
};

const join = (...parts: Built<string[]>[]): Built<string[]> => {
  const argv: string[] = [];
  for (const part of parts) {
    if (!part.ok) return part;
    argv.push(...part.value);
  }
  return { ok: true, value: argv };
};

export interface SyncOptions extends CommonOptions {
  bwlimit?: string;
  /** Compare by checksum instead of size and modification time. */
  checksum?: boolean;
  dryRun?: boolean;
}

/** `rclone sync SRC DST` with JSON logs and a stats line every second (NOTICE, so it shows without -v). */
export const syncArgs = (source: string, destination: string, o: SyncOptions = {}): Built<string[]> => {
  const flags = ['--stats', '1s', '--stats-log-level', 'NOTICE'];
  if (o.bwlimit !== undefined) {
    const limit = checkBwlimit(o.bwlimit);
    if (!limit.ok) return limit;
    flags.push('--bwlimit', limit.value);
  }
  if (o.checksum) flags.push('--checksum');
  if (o.dryRun) flags.push('--dry-run');
  return join({ ok: true, value: ['sync'] }, paths(source, destination), common(o), {
    ok: true,
    value: flags,
  });
};

export interface CheckOptions extends CommonOptions {
  /** Only check that source files exist on the destination (extra destination files are fine). */
  oneWay?: boolean;
  /** Download and compare bytes, for remotes without a common hash. */
  download?: boolean;
}

export const checkArgs = (source: string, destination: string, o: CheckOptions = {}): Built<string[]> => {
  const flags: string[] = [];
  if (o.oneWay) flags.push('--one-way');
  if (o.download) flags.push('--download');
  return join({ ok: true, value: ['check'] }, paths(source, destination), common(o), {
    ok: true,
    value: flags,
  });
};

export interface LsjsonOptions extends CommonOptions {
  recursive?: boolean;
  filesOnly?: boolean;
}

export const lsjsonArgs = (path: string, o: LsjsonOptions = {}): Built<string[]> => {
  const flags: string[] = [];
  if (o.recursive) flags.push('--recursive');
  if (o.filesOnly) flags.push('--files-only');
  return join({ ok: true, value: ['lsjson'] }, paths(path), common(o), { ok: true, value: flags });
};

export const sizeArgs = (path: string, o: CommonOptions = {}): Built<string[]> =>
  join({ ok: true, value: ['size', '--json'] }, paths(path), common(o));
