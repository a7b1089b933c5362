// The partclone adapter: capture a filesystem to an image (partclone | zstd) with the SHA-256 of the stored
// bytes and of partclone's raw stream taken in the same pass; restore only after the image's SHA-256 is
// verified, so a corrupt image never touches the target; re-capture hashes for drills.
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { quote } from '@lifeboat/core';
import { execPipeline, type PipelineResult, type PipelineStage } from '../../exec/exec.js';
import type { FilesystemType } from '../disk/filesystem.js';
import { createSha256, sameSha256, sha256File } from '../disk/sha256.js';
import { deviceSize, filesystemUsage, freeSpace, spaceShortfall } from '../disk/space.js';
import type { ToolError, ToolResult, ToolRun } from '../result.js';
import {
  captureArgs,
  checkAbsolutePath,
  checkFilesystem,
  PARTCLONE_BINARIES,
  restoreArgs,
  zstdCompressArgs,
  zstdDecompressArgs,
} from './args.js';
import type { PartcloneCode } from './codes.js';
import { type PartcloneOutcome, partcloneOutcome } from './outcome.js';
import { type PartcloneProgress, type PartcloneSummary, parseProgressLine, parseSummary } from './parse.js';
import { checksumModes, detectPartcloneVersion, type PartcloneVersion } from './version.js';

export type Compression = 'zstd' | 'none';

export interface PartcloneRunOptions {
  /** partclone binary; default `partclone.<fs>` for the filesystem (see PARTCLONE_BINARIES). */
  binary?: string;
  zstdBinary?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: PartcloneProgress) => void;
}

export interface CaptureOptions extends PartcloneRunOptions {
  fs: FilesystemType;
  /** Block device or image file holding the filesystem. */
  source: string;
  /** The image file to create; never overwritten. */
  output: string;
  /** partclone -aN, pinned in the image manifest. Ignored for dd. */
  checksumMode: number;
  compression: Compression;
  /** zstd level, 1-19 (default 3). */
  level?: number;
  /** Bytes to leave free on the image store after the capture (default 0). */
  reserveBytes?: number;
}

export interface CaptureReport {
  output: string;
  /** SHA-256 of the stored (compressed) bytes: what the manifest records and restores verify. */
  sha256: string;
  storedBytes: number;
  /** SHA-256 of partclone's raw image stream: identical for re-captures of an unchanged filesystem. */
  rawSha256: string;
  rawBytes: number;
  filesystem: FilesystemType;
  checksumMode: number;
  compression: Compression;
  summary: PartcloneSummary;
}

export interface RestoreOptions extends PartcloneRunOptions {
  fs: FilesystemType;
  image: string;
  /** Existing block device or file (written in place), or a path for a new sparse file. */
  target: string;
  /** The image's SHA-256 from its manifest; checked before anything touches the target. */
  expectedSha256: string;
  compression: Compression;
  /** For a new target file: bytes the restore writes (the capture's summary.usedBytes), checked against free space. */
  requiredBytes?: number;
}

export interface RestoreReport {
  target: string;
  /** The verified SHA-256 of the image. */
  sha256: string;
  imageBytes: number;
  /** The target did not exist and was created as a sparse file. */
  createdTarget: boolean;
  summary: PartcloneSummary;
}

export interface RecaptureOptions extends PartcloneRunOptions {
  fs: FilesystemType;
  source: string;
  /** The checksum mode of the original capture: -a1 adds CRCs to the stream, so the modes must match. */
  checksumMode: number;
}

export interface RecaptureReport {
  rawSha256: string;
  rawBytes: number;
  summary: PartcloneSummary;
}

type Failure = ToolRun & { outcome: 'failed' | 'cancelled'; error: ToolError };

interface Context {
  fs: FilesystemType;
  binary: string;
  version: PartcloneVersion | undefined;
  started: number;
}

const TOOL = 'partclone';

const toolRun = (ctx: Context, exitCode?: number): ToolRun => ({
  tool: TOOL,
  version: ctx.version?.text ?? 'unknown',
  features: [],
  exitCode,
  durationMs: performance.now() - ctx.started,
});

const refuse = (ctx: Context, code: PartcloneCode, message: string): Failure => ({
  outcome: 'failed',
  error: { code, message },
  ...toolRun(ctx),
});

/** Resolves the filesystem, binary and version; a refusal when the filesystem is not one we image. */
const context = async (fs: unknown, binary: string | undefined): Promise<Context | Failure> => {
  const started = performance.now();
  const checked = checkFilesystem(fs);
  if (!checked.ok) {
    return {
      outcome: 'failed',
      error: checked.error,
      tool: TOOL,
      version: 'unknown',
      features: [],
      exitCode: undefined,
      durationMs: 0,
    };
  }
  const bin = binary ?? PARTCLONE_BINARIES[checked.value];
  return { fs: checked.value, binary: bin, version: await detectPartcloneVersion(bin), started };
};

const isFailure = (v: Context | Failure): v is Failure => 'outcome' in v;

/** Bad input or a vanished directory must end in a failed result, never an exception. */
const guarded =
  <O extends { fs: unknown }, T>(fn: (o: O) => Promise<ToolResult<T>>) =>
  async (o: O): Promise<ToolResult<T>> => {
    const started = performance.now();
    try {
      return await fn(o);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return {
        outcome: 'failed',
        error: { code: 'partclone.failed', message: message.split('\n')[0] ?? message },
        tool: TOOL,
        version: 'unknown',
        features: [],
        exitCode: undefined,
        durationMs: performance.now() - started,
      };
    }
  };

const exists = async (path: string) =>
  stat(path).then(
    (s) => s,
    () => undefined,
  );

const withLogDir = async <T>(fn: (logFile: string) => Promise<T>): Promise<T> => {
  // partclone overwrites its default log on every run; each run gets its own, removed afterwards.
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-partclone-'));
  try {
    return await fn(join(dir, 'partclone.log'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? '';

/** Pipeline result → outcome: cancellation, timeout, I/O, a failed zstd, then partclone's own verdict. */
const pipelineOutcome = (
  p: PipelineResult,
  partcloneStage: number | undefined,
  zstdStage: number | undefined,
  zstdCode: PartcloneCode,
): PartcloneOutcome => {
  const fail = (code: PartcloneCode, message: string): PartcloneOutcome => ({
    outcome: 'failed',
    error: { code, message },
  });
  if (p.cancelled)
    return { outcome: 'cancelled', error: { code: 'partclone.cancelled', message: 'cancelled' } };
  if (p.timedOut) return fail('partclone.timeout', 'timed out');
  if (p.ioError) {
    return /ENOSPC/.test(p.ioError)
      ? fail('partclone.no-space', `the target filled up: ${p.ioError}`)
      : fail('partclone.output-write-failed', p.ioError);
  }
  const zstd = zstdStage === undefined ? undefined : p.stages[zstdStage];
  if (zstd && p.failedStage === zstdStage) {
    if (zstd.spawnFailed)
      return fail('partclone.not-installed', 'zstd could not be started (is it installed?)');
    return fail(zstdCode, `zstd exited ${zstd.exitCode ?? zstd.signal}: ${firstLine(zstd.stderr)}`);
  }
  const pc = partcloneStage === undefined ? undefined : p.stages[partcloneStage];
  if (pc) {
    const decided = partcloneOutcome({
      exitCode: pc.exitCode,
      signal: pc.signal,
      stderr: pc.stderr,
      spawnFailed: pc.spawnFailed,
    });
    if (decided.outcome !== 'ok') return decided;
  }
  if (!p.ok) {
    const bad = p.stages[p.failedStage ?? 0];
    return fail(
      'partclone.failed',
      `${bad?.file ?? 'a stage'} exited ${bad?.exitCode ?? bad?.signal}: ${firstLine(bad?.stderr ?? '')}`,
    );
  }
  return { outcome: 'ok' };
};

const progressTap = (onProgress: ((p: PartcloneProgress) => void) | undefined) =>
  onProgress
    ? (line: string) => {
        const p = parseProgressLine(line);
        if (p) onProgress(p);
      }
    : undefined;

const syncDir = async (dir: string) => {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
};

const captureFilesystemUnguarded = async (o: CaptureOptions): Promise<ToolResult<CaptureReport>> => {
  const ctx = await context(o.fs, o.binary);
  if (isFailure(ctx)) return ctx;
  for (const [path, what] of [
    [o.source, 'source'],
    [o.output, 'output'],
  ] as const) {
    const checked = checkAbsolutePath(path, what);
    if (!checked.ok) return refuse(ctx, 'partclone.invalid-argument', checked.error.message);
  }
  if (o.compression !== 'zstd' && o.compression !== 'none') {
    return refuse(
      ctx,
      'partclone.invalid-argument',
      `compression ${quote(o.compression)} is not zstd or none`,
    );
  }
  const zstdArgs = zstdCompressArgs(o.level);
  if (!zstdArgs.ok) return refuse(ctx, 'partclone.invalid-argument', zstdArgs.error.message);
  if (ctx.fs !== 'dd') {
    const { modes } = checksumModes(ctx.version);
    if (!modes.includes(o.checksumMode)) {
      return refuse(
        ctx,
        'partclone.checksum-mode-unsupported',
        `partclone ${ctx.version?.text ?? '(version unknown)'} knows checksum modes ${modes.join(' and ')}, not -a${o.checksumMode}`,
      );
    }
  }
  if (!(await exists(o.source)))
    return refuse(ctx, 'partclone.source-missing', `${quote(o.source, 200)} does not exist`);
  if (await exists(o.output))
    return refuse(ctx, 'partclone.output-exists', `${quote(o.output, 200)} already exists`);
  const dir = dirname(o.output);
  if (!(await exists(dir))?.isDirectory()) {
    return refuse(ctx, 'partclone.invalid-argument', `output directory ${quote(dir, 200)} does not exist`);
  }

  const usage = await filesystemUsage(ctx.fs, o.source, o.signal);
  const required = usage?.usedBytes ?? (await deviceSize(o.source)) ?? 0;
  const short = spaceShortfall(
    required,
    (await freeSpace(dir)).availableBytes,
    o.reserveBytes ?? 0,
    quote(dir, 200),
  );
  if (short) return refuse(ctx, 'partclone.no-space', `capturing ${quote(o.source, 200)} ${short}`);

  const partial = join(dir, `.${basename(o.output)}.partial-${randomBytes(4).toString('hex')}`);
  const raw = createSha256();
  const stored = o.compression === 'zstd' ? createSha256() : raw;
  let stderr = '';
  const p = await withLogDir(async (logFile) => {
    const args = captureArgs(ctx.fs, { source: o.source, logFile, checksumMode: o.checksumMode });
    if (!args.ok) return args.error;
    const stages: PipelineStage[] = [
      {
        file: ctx.binary,
        args: args.value,
        onStdoutChunk: raw.update,
        onStderrLine: progressTap(o.onProgress),
      },
    ];
    if (o.compression === 'zstd') {
      stages.push({ file: o.zstdBinary ?? 'zstd', args: zstdArgs.value, onStdoutChunk: stored.update });
    }
    const result = await execPipeline(stages, {
      outputFile: partial,
      outputFlags: 'wx',
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
    stderr = result.stages[0]?.stderr ?? '';
    return result;
  });
  if (!('stages' in p)) return refuse(ctx, 'partclone.invalid-argument', p.message);
  const decided = pipelineOutcome(
    p,
    0,
    o.compression === 'zstd' ? 1 : undefined,
    'partclone.compressor-failed',
  );
  const run = toolRun(ctx, p.stages[0]?.exitCode);
  if (decided.outcome !== 'ok') {
    await rm(partial, { force: true });
    const error = decided.error ?? { code: 'partclone.failed', message: 'capture failed' };
    return { outcome: decided.outcome === 'cancelled' ? 'cancelled' : 'failed', error, ...run };
  }
  await rename(partial, o.output);
  await syncDir(dir);
  const sha256 = stored.digest();
  return {
    outcome: 'ok',
    value: {
      output: o.output,
      sha256,
      storedBytes: p.bytesOut,
      // Uncompressed: the stored bytes are the raw stream (one hash object, digested once).
      rawSha256: o.compression === 'zstd' ? raw.digest() : sha256,
      rawBytes: raw.bytes,
      filesystem: ctx.fs,
      checksumMode: o.checksumMode,
      compression: o.compression,
      summary: parseSummary(stderr),
    },
    ...run,
  };
};

const restoreFilesystemUnguarded = async (o: RestoreOptions): Promise<ToolResult<RestoreReport>> => {
  const ctx = await context(o.fs, o.binary);
  if (isFailure(ctx)) return ctx;
  for (const [path, what] of [
    [o.image, 'image'],
    [o.target, 'target'],
  ] as const) {
    const checked = checkAbsolutePath(path, what);
    if (!checked.ok) return refuse(ctx, 'partclone.invalid-argument', checked.error.message);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(o.expectedSha256)) {
    return refuse(ctx, 'partclone.invalid-argument', 'expectedSha256 is not a 64-digit hex SHA-256');
  }
  if (o.compression !== 'zstd' && o.compression !== 'none') {
    return refuse(
      ctx,
      'partclone.invalid-argument',
      `compression ${quote(o.compression)} is not zstd or none`,
    );
  }
  const image = await exists(o.image);
  if (!image?.isFile())
    return refuse(ctx, 'partclone.image-missing', `${quote(o.image, 200)} is not an image file`);
  const target = await exists(o.target);
  if (target && !target.isFile() && !target.isBlockDevice()) {
    return refuse(
      ctx,
      'partclone.target-invalid',
      `${quote(o.target, 200)} is neither a file nor a block device`,
    );
  }
  if (target && target.dev === image.dev && target.ino === image.ino) {
    return refuse(ctx, 'partclone.target-invalid', `${quote(o.target, 200)} is the image itself`);
  }
  const createdTarget = target === undefined;
  if (createdTarget && !(await exists(dirname(o.target)))?.isDirectory()) {
    return refuse(
      ctx,
      'partclone.invalid-argument',
      `directory ${quote(dirname(o.target), 200)} does not exist`,
    );
  }

  // Verify before touching the target: a corrupt -a0 image would restore and even pass fsck.
  const verified = await sha256File(o.image, { signal: o.signal }).catch((e: unknown) =>
    e instanceof Error ? e : new Error(String(e)),
  );
  if (verified instanceof Error) {
    if (o.signal?.aborted)
      return {
        outcome: 'cancelled',
        error: { code: 'partclone.cancelled', message: 'cancelled while verifying the image' },
        ...toolRun(ctx),
      };
    return refuse(ctx, 'partclone.image-missing', `cannot read ${quote(o.image, 200)}: ${verified.message}`);
  }
  if (!sameSha256(o.expectedSha256, verified.sha256)) {
    return refuse(
      ctx,
      'partclone.image-corrupt',
      `${quote(basename(o.image), 200)} has SHA-256 ${verified.sha256.slice(0, 16)}…, expected ${o.expectedSha256.slice(0, 16).toLowerCase()}…: not restored, ${quote(o.target, 200)} untouched`,
    );
  }
  if (createdTarget && o.requiredBytes !== undefined) {
    const short = spaceShortfall(
      o.requiredBytes,
      (await freeSpace(dirname(o.target))).availableBytes,
      0,
      quote(dirname(o.target), 200),
    );
    if (short) return refuse(ctx, 'partclone.no-space', `restoring into ${quote(o.target, 200)} ${short}`);
  }

  const again = createSha256();
  let stderr = '';
  const p = await withLogDir(async (logFile) => {
    const stages: PipelineStage[] = [];
    if (o.compression === 'zstd') stages.push({ file: o.zstdBinary ?? 'zstd', args: zstdDecompressArgs() });
    if (ctx.fs === 'dd') {
      // A raw image: Node writes the bytes; `cat` is the stage when there is nothing to decompress.
      if (stages.length === 0) stages.push({ file: 'cat', args: [] });
      return execPipeline(stages, {
        inputFile: o.image,
        onInputChunk: again.update,
        outputFile: o.target,
        outputFlags: createdTarget ? 'wx' : 'r+',
        signal: o.signal,
        timeoutMs: o.timeoutMs,
      });
    }
    const args = restoreArgs(ctx.fs, { target: o.target, logFile, newFile: createdTarget });
    if (!args.ok) return args.error;
    stages.push({ file: ctx.binary, args: args.value, onStderrLine: progressTap(o.onProgress) });
    const result = await execPipeline(stages, {
      inputFile: o.image,
      onInputChunk: again.update,
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
    stderr = result.stages.at(-1)?.stderr ?? '';
    return result;
  });
  if (!('stages' in p)) return refuse(ctx, 'partclone.invalid-argument', p.message);
  const zstdStage = o.compression === 'zstd' ? 0 : undefined;
  const partcloneStage = ctx.fs === 'dd' ? undefined : p.stages.length - 1;
  let decided = pipelineOutcome(p, partcloneStage, zstdStage, 'partclone.decompress-failed');
  if (decided.outcome === 'ok' && again.digest() !== verified.sha256) {
    decided = {
      outcome: 'failed',
      error: {
        code: 'partclone.image-changed',
        message: `${quote(o.image, 200)} changed while it was restored`,
      },
    };
  }
  const run = toolRun(
    ctx,
    partcloneStage === undefined ? p.stages[0]?.exitCode : p.stages[partcloneStage]?.exitCode,
  );
  if (decided.outcome !== 'ok') {
    // A half-written new file must not pass for a restore; an existing target is reported, not removed.
    if (createdTarget) await rm(o.target, { force: true });
    const error = decided.error ?? { code: 'partclone.failed', message: 'restore failed' };
    return { outcome: decided.outcome === 'cancelled' ? 'cancelled' : 'failed', error, ...run };
  }
  return {
    outcome: 'ok',
    value: {
      target: o.target,
      sha256: verified.sha256,
      imageBytes: verified.bytes,
      createdTarget,
      summary: parseSummary(stderr),
    },
    ...run,
  };
};

const recaptureHashUnguarded = async (o: RecaptureOptions): Promise<ToolResult<RecaptureReport>> => {
  const ctx = await context(o.fs, o.binary);
  if (isFailure(ctx)) return ctx;
  if (!(await exists(o.source)))
    return refuse(ctx, 'partclone.source-missing', `${quote(o.source, 200)} does not exist`);
  const raw = createSha256();
  const p = await withLogDir(async (logFile) => {
    const args = captureArgs(ctx.fs, { source: o.source, logFile, checksumMode: o.checksumMode });
    if (!args.ok) return args.error;
    return execPipeline(
      [
        {
          file: ctx.binary,
          args: args.value,
          onStdoutChunk: raw.update,
          onStderrLine: progressTap(o.onProgress),
        },
      ],
      { signal: o.signal, timeoutMs: o.timeoutMs },
    );
  });
  if (!('stages' in p)) return refuse(ctx, 'partclone.invalid-argument', p.message);
  const decided = pipelineOutcome(p, 0, undefined, 'partclone.compressor-failed');
  const run = toolRun(ctx, p.stages[0]?.exitCode);
  if (decided.outcome !== 'ok') {
    const error = decided.error ?? { code: 'partclone.failed', message: 're-capture failed' };
    return { outcome: decided.outcome === 'cancelled' ? 'cancelled' : 'failed', error, ...run };
  }
  return {
    outcome: 'ok',
    value: { rawSha256: raw.digest(), rawBytes: raw.bytes, summary: parseSummary(p.stages[0]?.stderr ?? '') },
    ...run,
  };
};

/**
 * `partclone.<fs> -c -s SOURCE -o - | zstd -c -T0` into `output`, hashing partclone's stream and the stored
 * bytes as they pass. Refuses before starting when the image store has less free space than the
 * filesystem uses, when the checksum mode is unknown to this partclone, or when `output` exists. The image
 * is written under a temporary name, fsynced and renamed, so `output` only ever holds a complete image.
 */
export const captureFilesystem: (o: CaptureOptions) => Promise<ToolResult<CaptureReport>> =
  guarded(captureFilesystemUnguarded);
/**
 * Verifies the image's SHA-256 against `expectedSha256` FIRST (refusing with `partclone.image-corrupt`
 * and without opening the target when it differs), then `zstd -dc IMAGE | partclone.<fs> -r -s - -O TARGET`
 * (`-W` for a new sparse file). The image is hashed again as it streams, to catch a change in between.
 * dd images are written by Node: partclone.dd cannot restore from a stream.
 */
export const restoreFilesystem: (o: RestoreOptions) => Promise<ToolResult<RestoreReport>> =
  guarded(restoreFilesystemUnguarded);
/**
 * SHA-256 of partclone's raw stream of `source`, written nowhere: a restored filesystem is verified when this
 * equals the capture's rawSha256 (the stream of an unchanged filesystem is byte-identical).
 */
export const recaptureHash: (o: RecaptureOptions) => Promise<ToolResult<RecaptureReport>> =
  guarded(recaptureHashUnguarded);
