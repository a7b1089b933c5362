// rclone's output as data: JSON log lines (--use-json-log) on stderr, stats → progress, check's counts,
// and the JSON of `size --json` and `lsjson`. Pure functions over captured text.

export interface RcloneStats {
  bytes: number;
  totalBytes: number;
  transfers: number;
  totalTransfers: number;
  checks: number;
  totalChecks: number;
  deletes: number;
  errors: number;
  /** Seconds left, when rclone can tell. */
  eta: number | null;
  /** Bytes per second. */
  speed: number;
  elapsedSeconds: number;
  fatalError: boolean;
  retryError: boolean;
}

export interface RcloneLogLine {
  /** `error`, `warning` (NOTICE is logged as warning), `info`, `debug`; `text` for a line that is not JSON. */
  level: string;
  msg: string;
  /** The file or remote the line is about. */
  object?: string;
  stats?: RcloneStats;
}

export interface RcloneProgress {
  bytes: number;
  totalBytes: number;
  transfers: number;
  totalTransfers: number;
  /** Seconds left, or null while rclone cannot estimate. */
  eta: number | null;
  /** Bytes per second. */
  speed: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const statsFrom = (s: Json): RcloneStats => ({
  bytes: num(s.bytes),
  totalBytes: num(s.totalBytes),
  transfers: num(s.transfers),
  totalTransfers: num(s.totalTransfers),
  checks: num(s.checks),
  totalChecks: num(s.totalChecks),
  deletes: num(s.deletes),
  errors: num(s.errors),
  eta: typeof s.eta === 'number' ? s.eta : null,
  speed: num(s.speed),
  elapsedSeconds: num(s.elapsedTime),
  fatalError: s.fatalError === true,
  retryError: s.retryError === true,
});

/** One stderr line; anything that is not a JSON log object (a plain `Failed to …` line, usage text) is `text`. */
export const parseLogLine = (line: string): RcloneLogLine => {
  const json = line.startsWith('{') ? parseJson(line) : undefined;
  if (!isObject(json) || typeof json.msg !== 'string') return { level: 'text', msg: line };
  const out: RcloneLogLine = { level: str(json.level) ?? 'text', msg: json.msg };
  const object = str(json.object);
  if (object !== undefined && object !== '') out.object = object;
  if (isObject(json.stats)) out.stats = statsFrom(json.stats);
  return out;
};

export const parseLog = (stderr: string): RcloneLogLine[] =>
  stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseLogLine);

export const progressFromStats = (s: RcloneStats): RcloneProgress => ({
  bytes: s.bytes,
  totalBytes: s.totalBytes,
  transfers: s.transfers,
  totalTransfers: s.totalTransfers,
  eta: s.eta,
  speed: s.speed,
});

/** The last stats line rclone printed (the final one when it finished). */
export const lastStats = (lines: readonly RcloneLogLine[]): RcloneStats | undefined =>
  lines.reduce<RcloneStats | undefined>((last, l) => l.stats ?? last, undefined);

const TIMESTAMP = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

/**
 * The one line that best says what went wrong: rclone's closing `Failed to …` / `Fatal error: …` line,
 * else `Error: …` (usage), else the last error-level JSON message.
 */
export const errorSummary = (stderr: string): string | undefined => {
  const lines = parseLog(stderr);
  const texts = lines.filter((l) => l.level === 'text').map((l) => l.msg.replace(TIMESTAMP, '').trim());
  const closing = [...texts].reverse().find((t) => /^(Failed to |Fatal error: |ERROR : )/.test(t));
  if (closing) return closing.replace(/^Fatal error: /, '');
  const usage = texts.find((t) => t.startsWith('Error: '));
  if (usage) return usage.slice('Error: '.length);
  const last = [...lines].reverse().find((l) => l.level === 'error');
  return last ? (last.object ? `${last.object}: ${last.msg}` : last.msg) : undefined;
};

export interface CheckDifference {
  path: string;
  /** rclone's words: `sizes differ`, `file not in <remote>`, `hashes differ`, … */
  problem: string;
}

export interface CheckReport {
  /** `N differences found`; undefined when rclone never got that far. */
  differences: number | undefined;
  /** `N matching files`. */
  matching: number | undefined;
  /** Sum of the `N files missing` lines (either side). */
  missing: number;
  /** The files rclone named, in the order it named them. */
  items: CheckDifference[];
}

export const parseCheck = (stderr: string): CheckReport => {
  const report: CheckReport = { differences: undefined, matching: undefined, missing: 0, items: [] };
  for (const line of parseLog(stderr)) {
    let m = /^(\d+) differences found$/.exec(line.msg);
    if (m) report.differences = Number(m[1]);
    m = /^(\d+) matching files$/.exec(line.msg);
    if (m) report.matching = Number(m[1]);
    m = /^(\d+) files missing$/.exec(line.msg);
    if (m) report.missing += Number(m[1]);
    if (line.level === 'error' && line.object !== undefined)
      report.items.push({ path: line.object, problem: line.msg });
  }
  return report;
};

export interface SizeReport {
  count: number;
  bytes: number;
  /** Objects whose size the remote does not know. */
  sizeless: number;
}

/** `rclone size --json` → `{"count":4,"bytes":300006,"sizeless":0}`. */
export const parseSize = (stdout: string): SizeReport | undefined => {
  const json = parseJson(stdout.trim());
  if (!isObject(json) || typeof json.count !== 'number' || typeof json.bytes !== 'number') return undefined;
  return { count: json.count, bytes: json.bytes, sizeless: num(json.sizeless) };
};

export interface LsjsonEntry {
  path: string;
  name: string;
  /** -1 for directories and unknown sizes. */
  size: number;
  modTime: string;
  isDir: boolean;
  hashes?: Record<string, string>;
}

export const parseLsjson = (stdout: string): LsjsonEntry[] | undefined => {
  const json = parseJson(stdout.trim());
  if (!Array.isArray(json)) return undefined;
  const out: LsjsonEntry[] = [];
  for (const item of json) {
    if (!isObject(item) || typeof item.Path !== 'string' || typeof item.Name !== 'string') return undefined;
    const entry: LsjsonEntry = {
      path: item.Path,
      name: item.Name,
      size: typeof item.Size === 'number' ? item.Size : -1,
      modTime: str(item.ModTime) ?? '',
      isDir: item.IsDir === true,
    };
    if (isObject(item.Hashes)) {
      entry.hashes = Object.fromEntries(
        Object.entries(item.Hashes).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    }
    out.push(entry);
  }
  return out;
};
