// Reads what restic prints (JSON lines, JSON documents and 0.14's plain text) into typed values;
// unknown lines and fields are skipped, never fatal, because restic adds message types over time.

/** One progress tick, from `backup --json` or (restic ≥ 0.17) `restore --json` status lines. */
export interface ResticProgress {
  phase: 'backup' | 'restore';
  /** 0..1 */
  fraction: number;
  bytesDone: number;
  totalBytes: number;
  filesDone: number;
  totalFiles: number;
  secondsElapsed: number;
  secondsRemaining?: number;
  errorCount: number;
  currentFiles: string[];
}

export interface BackupSummary {
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dirsNew: number;
  dirsChanged: number;
  dirsUnmodified: number;
  dataBlobs: number;
  treeBlobs: number;
  dataAdded: number;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  /** Seconds. */
  totalDuration: number;
}

/** A file restic could not read or write (`{"message_type":"error",...}` or `ignoring error for X: Y`). */
export interface ItemError {
  item: string;
  message: string;
  during?: string;
}

export type JsonRecord = Record<string, unknown>;

const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

const num = (r: JsonRecord, key: string): number => {
  const v = r[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
};

const str = (r: JsonRecord, key: string): string | undefined => {
  const v = r[key];
  return typeof v === 'string' ? v : undefined;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Parses one line as a JSON object, or undefined (text lines, truncated lines, arrays, garbage). */
export const jsonLine = (line: string): JsonRecord | undefined => {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
};

// restic clears the terminal line (ESC[2K) before some messages even when stderr is not a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Text without terminal escape sequences. */
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

const lines = (text: string): string[] =>
  stripAnsi(text)
    .split(/\r?\n|\r/)
    .filter((l) => l.trim() !== '');

const progressFrom = (phase: ResticProgress['phase'], r: JsonRecord): ResticProgress => {
  const totalBytes = num(r, 'total_bytes');
  const bytesDone = phase === 'backup' ? num(r, 'bytes_done') : num(r, 'bytes_restored');
  const percent = r.percent_done;
  const fraction =
    typeof percent === 'number' && Number.isFinite(percent)
      ? percent
      : totalBytes > 0
        ? bytesDone / totalBytes
        : 0;
  return {
    phase,
    fraction: Math.min(1, Math.max(0, fraction)),
    bytesDone,
    totalBytes,
    filesDone: phase === 'backup' ? num(r, 'files_done') : num(r, 'files_restored'),
    totalFiles: num(r, 'total_files'),
    secondsElapsed: num(r, 'seconds_elapsed'),
    ...(typeof r.seconds_remaining === 'number' ? { secondsRemaining: r.seconds_remaining } : {}),
    errorCount: num(r, 'error_count'),
    currentFiles: strings(r.current_files),
  };
};

const SNAPSHOT_ID = /^[0-9a-f]{8,64}$/;

const summaryFrom = (r: JsonRecord): BackupSummary | undefined => {
  const snapshotId = str(r, 'snapshot_id');
  if (snapshotId === undefined || !SNAPSHOT_ID.test(snapshotId)) return undefined;
  return {
    snapshotId,
    filesNew: num(r, 'files_new'),
    filesChanged: num(r, 'files_changed'),
    filesUnmodified: num(r, 'files_unmodified'),
    dirsNew: num(r, 'dirs_new'),
    dirsChanged: num(r, 'dirs_changed'),
    dirsUnmodified: num(r, 'dirs_unmodified'),
    dataBlobs: num(r, 'data_blobs'),
    treeBlobs: num(r, 'tree_blobs'),
    dataAdded: num(r, 'data_added'),
    totalFilesProcessed: num(r, 'total_files_processed'),
    totalBytesProcessed: num(r, 'total_bytes_processed'),
    totalDuration: num(r, 'total_duration'),
  };
};

// 0.14 prints `{"Op":"open","Path":"/x","Err":13}` (a Go error struct); newer versions `{"message":"..."}`.
const itemErrorFrom = (r: JsonRecord): ItemError => {
  const e = r.error;
  let message = 'error';
  if (typeof e === 'string') message = e;
  else if (isRecord(e)) {
    const m = str(e, 'message');
    if (m !== undefined) message = m;
    else {
      const op = str(e, 'Op');
      const errno = e.Err;
      message = [
        op,
        typeof errno === 'number' ? `errno ${errno}${errno === 13 ? ' (permission denied)' : ''}` : undefined,
      ]
        .filter(Boolean)
        .join(': ');
    }
  }
  return { item: str(r, 'item') ?? '', message, ...(str(r, 'during') ? { during: str(r, 'during') } : {}) };
};

export type BackupLine =
  | { kind: 'status'; progress: ResticProgress }
  | { kind: 'summary'; summary: BackupSummary }
  | { kind: 'error'; error: ItemError };

/** One `backup --json` line (stdout status/summary, or a stderr error line); undefined for anything else. */
export const parseBackupLine = (line: string): BackupLine | undefined => {
  const r = jsonLine(line);
  if (!r) return undefined;
  switch (r.message_type) {
    case 'status':
      return { kind: 'status', progress: progressFrom('backup', r) };
    case 'summary': {
      const summary = summaryFrom(r);
      return summary ? { kind: 'summary', summary } : undefined;
    }
    case 'error':
      return { kind: 'error', error: itemErrorFrom(r) };
    default:
      return undefined;
  }
};

export interface BackupOutput {
  summary?: BackupSummary;
  /** Files restic could not read (exit 3). */
  errors: ItemError[];
  /** Source paths restic skipped because they did not exist (0.14 then exits 0). */
  missingSources: string[];
}

const MISSING_SOURCE = /^(.*) does not exist, skipping$/;

export const parseBackupOutput = (stdout: string, stderr: string): BackupOutput => {
  const out: BackupOutput = { errors: [], missingSources: [] };
  for (const line of lines(stdout)) {
    const parsed = parseBackupLine(line);
    if (parsed?.kind === 'summary') out.summary = parsed.summary;
  }
  for (const line of lines(stderr)) {
    const parsed = parseBackupLine(line);
    if (parsed?.kind === 'error') out.errors.push(parsed.error);
    const missing = MISSING_SOURCE.exec(line.trim());
    if (missing?.[1]) out.missingSources.push(missing[1]);
  }
  return out;
};

export interface Snapshot {
  id: string;
  shortId: string;
  time: string;
  hostname: string;
  username?: string;
  paths: string[];
  tags: string[];
  tree?: string;
  parent?: string;
}

const snapshotFrom = (v: unknown): Snapshot | undefined => {
  if (!isRecord(v)) return undefined;
  const id = str(v, 'id');
  const time = str(v, 'time');
  if (id === undefined || !SNAPSHOT_ID.test(id) || time === undefined) return undefined;
  return {
    id,
    shortId: str(v, 'short_id') ?? id.slice(0, 8),
    time,
    hostname: str(v, 'hostname') ?? '',
    ...(str(v, 'username') !== undefined ? { username: str(v, 'username') } : {}),
    paths: strings(v.paths),
    tags: strings(v.tags),
    ...(str(v, 'tree') !== undefined ? { tree: str(v, 'tree') } : {}),
    ...(str(v, 'parent') !== undefined ? { parent: str(v, 'parent') } : {}),
  };
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

// restic prints its JSON document on one line; text (warnings, "removed snapshot") may surround it.
const jsonDocument = (stdout: string, opener: '[' | '{'): unknown => {
  for (const line of lines(stdout)) {
    const t = line.trim();
    if (!t.startsWith(opener)) continue;
    try {
      return JSON.parse(t);
    } catch {
      // keep looking: a progress line can start with a bracket too ("[0:00] 100.00%")
    }
  }
  const whole = stdout.trim();
  if (whole.startsWith(opener)) {
    try {
      return JSON.parse(whole);
    } catch {
      return undefined;
    }
  }
  return undefined;
};

/** `snapshots --json`: an array; `null` (some versions, no match) reads as empty. */
export const parseSnapshots = (stdout: string): Parsed<Snapshot[]> => {
  if (stdout.trim() === 'null') return { ok: true, value: [] };
  const doc = jsonDocument(stdout, '[');
  if (!Array.isArray(doc)) return { ok: false, message: 'snapshots --json did not print a JSON array' };
  const value: Snapshot[] = [];
  for (const item of doc) {
    const s = snapshotFrom(item);
    if (!s) return { ok: false, message: 'snapshots --json printed an entry without id or time' };
    value.push(s);
  }
  return { ok: true, value };
};

export interface KeptSnapshot extends Snapshot {
  /** Why it is kept, e.g. `last snapshot`, `daily snapshot`, `within 1d`. */
  reasons: string[];
}

export interface ForgetGroup {
  host?: string;
  paths: string[];
  tags: string[];
  keep: KeptSnapshot[];
  remove: Snapshot[];
}

const sameSnapshot = (s: Snapshot, r: JsonRecord): boolean => {
  const id = str(r, 'id');
  // 0.14's reasons carry no id: time + tree identify the snapshot.
  if (id !== undefined) return id === s.id;
  return str(r, 'time') === s.time && (str(r, 'tree') ?? '') === (s.tree ?? '');
};

/** `forget --json` (with or without --dry-run): one group per host/paths/tags, what stays and what goes. */
export const parseForget = (stdout: string): Parsed<ForgetGroup[]> => {
  if (stdout.trim() === '' || stdout.trim() === 'null') return { ok: true, value: [] };
  const doc = jsonDocument(stdout, '[');
  if (!Array.isArray(doc)) return { ok: false, message: 'forget --json did not print a JSON array' };
  const groups: ForgetGroup[] = [];
  for (const g of doc) {
    if (!isRecord(g)) return { ok: false, message: 'forget --json printed a group that is not an object' };
    const reasons = Array.isArray(g.reasons) ? g.reasons.filter(isRecord) : [];
    const keep: KeptSnapshot[] = [];
    for (const item of Array.isArray(g.keep) ? g.keep : []) {
      const s = snapshotFrom(item);
      if (!s) return { ok: false, message: 'forget --json printed a kept snapshot without id or time' };
      const why = reasons.filter((r) => isRecord(r.snapshot) && sameSnapshot(s, r.snapshot));
      keep.push({ ...s, reasons: why.flatMap((r) => strings(r.matches)) });
    }
    const remove: Snapshot[] = [];
    for (const item of Array.isArray(g.remove) ? g.remove : []) {
      const s = snapshotFrom(item);
      if (!s) return { ok: false, message: 'forget --json printed a removed snapshot without id or time' };
      remove.push(s);
    }
    const host = str(g, 'host');
    groups.push({ ...(host ? { host } : {}), paths: strings(g.paths), tags: strings(g.tags), keep, remove });
  }
  return { ok: true, value: groups };
};

export interface RepositoryStats {
  totalSize: number;
  totalFileCount: number;
  snapshotsCount: number;
  totalBlobCount?: number;
  totalUncompressedSize?: number;
  compressionRatio?: number;
}

export const parseStats = (stdout: string): Parsed<RepositoryStats> => {
  const doc = jsonDocument(stdout, '{');
  if (!isRecord(doc) || typeof doc.total_size !== 'number') {
    return { ok: false, message: 'stats --json did not print an object with total_size' };
  }
  const opt = (key: string): number | undefined =>
    typeof doc[key] === 'number' ? (doc[key] as number) : undefined;
  const blobs = opt('total_blob_count');
  const uncompressed = opt('total_uncompressed_size');
  const ratio = opt('compression_ratio');
  return {
    ok: true,
    value: {
      totalSize: num(doc, 'total_size'),
      totalFileCount: num(doc, 'total_file_count'),
      snapshotsCount: num(doc, 'snapshots_count'),
      ...(blobs !== undefined ? { totalBlobCount: blobs } : {}),
      ...(uncompressed !== undefined ? { totalUncompressedSize: uncompressed } : {}),
      ...(ratio !== undefined ? { compressionRatio: ratio } : {}),
    },
  };
};

export interface RepositoryConfig {
  version: number;
  id: string;
  chunkerPolynomial: string;
}

export const parseConfig = (stdout: string): Parsed<RepositoryConfig> => {
  const doc = jsonDocument(stdout, '{');
  if (!isRecord(doc) || typeof doc.id !== 'string' || typeof doc.version !== 'number') {
    return { ok: false, message: 'cat config did not print a repository config' };
  }
  return {
    ok: true,
    value: { version: doc.version, id: doc.id, chunkerPolynomial: str(doc, 'chunker_polynomial') ?? '' },
  };
};

/** `created restic repository ae7363867e at rest:http://…` → `ae7363867e` (JSON `{"id":…}` on ≥ 0.17). */
export const parseInit = (stdout: string): { repositoryId?: string } => {
  for (const line of lines(stdout)) {
    const r = jsonLine(line);
    const id = r ? str(r, 'id') : /^created restic repository ([0-9a-f]+) at /.exec(line.trim())?.[1];
    if (id) return { repositoryId: id };
  }
  return {};
};

export interface CheckReport {
  /** restic printed `no errors were found`. */
  clean: boolean;
  /** Error lines (stderr), without the final `Fatal:` line and lock chatter. */
  errors: string[];
  /** `read group #1 of 13 data packs (out of total 17 packs in 3 groups)` */
  subset?: { group: number; groups: number; packsRead: number; totalPacks: number };
  /** `read all data` was printed. */
  readAllData: boolean;
}

const CHECK_NOISE = [
  /^Fatal: /,
  /^using temporary cache in /,
  /^create exclusive lock for repository$/,
  /^load indexes$/,
  /^check all packs$/,
  /^check snapshots, trees and blobs$/,
  /^read all data$/,
  /^read group #/,
  /^read [\d.]+% of data packs$/,
  /^\[\d+:\d+(:\d+)?\] /,
];

/** 0.14 has no `check --json`: read its text. Errors go to stderr, the verdict to stdout. */
export const parseCheck = (stdout: string, stderr: string): CheckReport => {
  const out = lines(stdout).map((l) => l.trim());
  const errors: string[] = [];
  for (const line of lines(stderr).map((l) => l.trim())) {
    if (CHECK_NOISE.some((re) => re.test(line))) continue;
    const r = jsonLine(line);
    if (r) {
      if (r.message_type === 'error' || r.message_type === 'exit_error')
        errors.push(str(r, 'message') ?? line);
      continue;
    }
    errors.push(line);
  }
  let subset: CheckReport['subset'];
  for (const line of out) {
    const m = /^read group #(\d+) of (\d+) data packs \(out of total (\d+) packs in (\d+) groups\)$/.exec(
      line,
    );
    if (m)
      subset = {
        group: Number(m[1]),
        packsRead: Number(m[2]),
        totalPacks: Number(m[3]),
        groups: Number(m[4]),
      };
  }
  return {
    clean: out.includes('no errors were found'),
    errors,
    ...(subset ? { subset } : {}),
    readAllData: out.includes('read all data'),
  };
};

export interface RestoreReport {
  /** Short id from 0.14's `restoring <Snapshot 8f4fbd7b of [...]` line. */
  snapshotShortId?: string;
  /** `finished verifying N files` (0.14 text; not printed with --json). */
  verifiedFiles?: number;
  filesRestored?: number;
  bytesRestored?: number;
  totalFiles?: number;
  totalBytes?: number;
  secondsElapsed?: number;
  errors: ItemError[];
}

const IGNORING = /^ignoring error for (.*?): (.*)$/;

/** Text output of 0.14, or the JSON lines of ≥ 0.17 (`--json`): both read the same way. */
export const parseRestore = (stdout: string, stderr: string): RestoreReport => {
  const report: RestoreReport = { errors: [] };
  for (const line of lines(stdout)) {
    const t = line.trim();
    const r = jsonLine(t);
    if (r?.message_type === 'summary') {
      report.filesRestored = num(r, 'files_restored');
      report.bytesRestored = num(r, 'bytes_restored');
      report.totalFiles = num(r, 'total_files');
      report.totalBytes = num(r, 'total_bytes');
      report.secondsElapsed = num(r, 'seconds_elapsed');
      continue;
    }
    const start = /^restoring <Snapshot ([0-9a-f]+) of /.exec(t);
    if (start) report.snapshotShortId = start[1];
    const verified = /^finished verifying (\d+) files in /.exec(t);
    if (verified) report.verifiedFiles = Number(verified[1]);
  }
  for (const line of lines(stderr)) {
    const t = line.trim();
    const r = jsonLine(t);
    if (r?.message_type === 'error') {
      report.errors.push(itemErrorFrom(r));
      continue;
    }
    const m = IGNORING.exec(t);
    if (m) report.errors.push({ item: m[1] ?? '', message: m[2] ?? '' });
  }
  return report;
};

/** One `restore --json` status line (≥ 0.17) as progress. */
export const parseRestoreProgress = (line: string): ResticProgress | undefined => {
  const r = jsonLine(line);
  return r?.message_type === 'status' ? progressFrom('restore', r) : undefined;
};

export interface PruneReport {
  /** `total prune:  N blobs / SIZE` */
  prunedBlobs?: number;
  prunedSize?: string;
  remainingBlobs?: number;
  remainingSize?: string;
}

export const parsePrune = (stdout: string): PruneReport => {
  const report: PruneReport = {};
  for (const line of lines(stdout)) {
    const m = /^(total prune|remaining):\s+(\d+) blobs \/ (.+)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'total prune') {
      report.prunedBlobs = Number(m[2]);
      report.prunedSize = m[3];
    } else {
      report.remainingBlobs = Number(m[2]);
      report.remainingSize = m[3];
    }
  }
  return report;
};

/** restic ≥ 0.18 ends a failed `--json` run with `{"message_type":"exit_error","code":N,"message":…}` on stderr. */
export const parseExitError = (stderr: string): { code: number; message: string } | undefined => {
  for (const line of lines(stderr).reverse()) {
    const r = jsonLine(line);
    if (r?.message_type === 'exit_error') return { code: num(r, 'code'), message: str(r, 'message') ?? '' };
  }
  return undefined;
};
