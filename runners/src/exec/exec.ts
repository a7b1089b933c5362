import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';

// The one place that starts a process: argv arrays (never a shell string), secrets only through env,
// output streamed line by line and kept up to a limit, cancellation and timeouts that kill the whole process.

export interface ExecOptions {
  /** Extra environment; secrets go here, never into argv. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes or text fed to stdin. */
  input?: string | Uint8Array;
  /** Called for each stdout / stderr line (also `\r`-separated progress lines) as it arrives. */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Signal sent on cancellation or timeout (default SIGTERM; SIGKILL follows 5 s later). restic cleans up its lock only on SIGINT. */
  killSignal?: NodeJS.Signals;
  /**
   * How many characters of stdout the result keeps whole; past this it keeps the first and last MiB (at line
   * breaks) and sets `stdoutTruncated`. Every line still reaches onStdoutLine. Default: PARSED_OUTPUT_LIMIT
   * (64 Mi) when nobody listens to stdout lines, since the caller then parses the whole text (`snapshots
   * --json`, `lsjson`); STREAMED_OUTPUT_LIMIT (2 Mi) when onStdoutLine is given, since the caller saw every
   * line already (a backup's or restore's status lines run for hours).
   */
  stdoutLimit?: number;
  /** The same for stderr; default STREAMED_OUTPUT_LIMIT (stderr is searched for errors, never parsed whole). */
  stderrLimit?: number;
}

export interface ExecResult {
  exitCode: number | undefined;
  signal: string | undefined;
  /** All of stdout, or (when `stdoutTruncated`) its first and last MiB around a `[… N characters dropped …]` line. */
  stdout: string;
  stderr: string;
  /** stdout was longer than `stdoutLimit`: a parser that needs the whole text must not trust `stdout`. */
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started (not installed, not executable). */
  spawnFailed: boolean;
  durationMs: number;
}

const MiB = 1024 * 1024;
/** What a truncated output keeps of its beginning and of its end. */
export const OUTPUT_EDGE = MiB;
/** Default for output the caller streams line by line: past it, head and tail only. */
export const STREAMED_OUTPUT_LIMIT = 2 * MiB;
/** Default for output the caller parses whole: a ceiling that no sane answer reaches, but memory stays bounded. */
export const PARSED_OUTPUT_LIMIT = 64 * MiB;

export interface Retained {
  text: string;
  truncated: boolean;
}

/**
 * Keeps a process's output whole up to `limit` characters; past it only the first and last OUTPUT_EDGE (at most
 * half the limit), cut at line breaks so that line parsers see whole lines, and a marker line between them.
 */
export const outputRetainer = (
  limit: number,
  /** How much of the beginning a truncated output keeps; the end keeps OUTPUT_EDGE (at most half the limit). */
  headSize?: number,
) => {
  if (!Number.isInteger(limit) || limit < 2)
    throw new RangeError(`output limit ${limit} is not an integer ≥ 2`);
  const edge = Math.min(OUTPUT_EDGE, Math.floor(limit / 2));
  const headEdge = Math.min(headSize ?? edge, edge);
  let parts: string[] = [];
  let length = 0;
  let head: string | undefined;
  let tail = '';
  let seen = 0;
  return {
    push(text: string) {
      seen += text.length;
      if (head === undefined) {
        parts.push(text);
        length += text.length;
        if (length <= limit) return;
        const all = parts.join('');
        parts = [];
        const start = all.slice(0, headEdge);
        const lastBreak = start.lastIndexOf('\n');
        head = lastBreak > 0 ? start.slice(0, lastBreak + 1) : start;
        tail = all.slice(head.length);
      } else {
        tail += text;
      }
      // Trimmed in steps of one edge, so the copying stays linear in the output's length; the one extra
      // character tells result() whether the kept tail starts at a line break.
      if (tail.length > 2 * edge) tail = tail.slice(-(edge + 1));
    },
    result(): Retained {
      if (head === undefined) return { text: parts.join(''), truncated: false };
      let end = tail.slice(-edge);
      // Drop the partial first line, unless the cut fell right after a line break.
      const midLine = end.length < tail.length && tail[tail.length - end.length - 1] !== '\n';
      const firstBreak = end.indexOf('\n');
      if (midLine && firstBreak >= 0 && firstBreak < end.length - 1) end = end.slice(firstBreak + 1);
      const dropped = seen - head.length - end.length;
      const separator = head.endsWith('\n') ? '' : '\n';
      return { text: `${head}${separator}[… ${dropped} characters dropped …]\n${end}`, truncated: true };
    },
  };
};

const splitter = (onLine: (line: string) => void) => {
  let rest = '';
  return {
    push(chunk: string) {
      const parts = (rest + chunk).split(/\r\n|\r|\n/);
      rest = parts.pop() ?? '';
      for (const p of parts) if (p !== '') onLine(p);
    },
    end() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
};

export const exec = async (
  file: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> => {
  const started = performance.now();
  const child = execa(file, args, {
    env: { LC_ALL: 'C', ...options.env },
    extendEnv: true,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    killSignal: options.killSignal ?? 'SIGTERM',
    input: options.input,
    reject: false,
    stripFinalNewline: false,
    // Not execa's buffer: it would hold all of a restore's output. The retainers below keep a bounded part.
    buffer: false,
    encoding: 'buffer',
    forceKillAfterDelay: 5_000,
    cleanup: true,
  });
  const keepOut = outputRetainer(
    options.stdoutLimit ?? (options.onStdoutLine ? STREAMED_OUTPUT_LIMIT : PARSED_OUTPUT_LIMIT),
  );
  const keepErr = outputRetainer(options.stderrLimit ?? STREAMED_OUTPUT_LIMIT);
  const reader = (keep: ReturnType<typeof outputRetainer>, onLine: ((line: string) => void) | undefined) => {
    // One decoder per stream: a UTF-8 character split across two chunks must not turn into two bad ones.
    const decoder = new TextDecoder();
    const lines = onLine ? splitter(onLine) : undefined;
    const take = (text: string) => {
      if (text === '') return;
      keep.push(text);
      lines?.push(text);
    };
    return {
      data: (c: Uint8Array) => take(decoder.decode(c, { stream: true })),
      end: () => {
        take(decoder.decode());
        lines?.end();
      },
    };
  };
  const out = reader(keepOut, options.onStdoutLine);
  const err = reader(keepErr, options.onStderrLine);
  child.stdout?.on('data', out.data);
  child.stderr?.on('data', err.data);
  const r = await child;
  out.end();
  err.end();
  const stdout = keepOut.result();
  const stderr = keepErr.result();
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: stdout.text,
    stderr: stderr.text,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    timedOut: Boolean(r.timedOut),
    cancelled: Boolean(r.isCanceled),
    spawnFailed: r.exitCode === undefined && !r.signal && !r.timedOut && !r.isCanceled,
    durationMs: performance.now() - started,
  };
};

// Pipelines: processes joined stdout → stdin like a shell pipe, but every stage's exit status is checked
// (no `pipefail` surprises), Node sees the bytes between stages (to hash them in the same pass), the
// output is written and fsynced by Node, and cancellation or a timeout kills every stage.

export interface PipelineStage {
  file: string;
  args: readonly string[];
  /** Extra environment for this stage only; secrets go here, never into argv. */
  env?: Record<string, string | undefined>;
  /** Sees every chunk this stage writes to stdout, in order, before the next stage (or the output file) gets it. */
  onStdoutChunk?: (chunk: Uint8Array) => void;
  onStderrLine?: (line: string) => void;
}

export interface PipelineOptions {
  /** Environment for every stage. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** File streamed into the first stage's stdin; without it the first stage's stdin is empty. */
  inputFile?: string;
  /** Sees every chunk read from `inputFile`. */
  onInputChunk?: (chunk: Uint8Array) => void;
  /** Where the last stage's stdout goes (fsynced before the pipeline resolves); without it the bytes are discarded after the taps. */
  outputFile?: string;
  /** `w` creates or truncates (default), `wx` refuses an existing file, `r+` writes into an existing file or device without truncating it. */
  outputFlags?: 'w' | 'wx' | 'r+';
  /**
   * Start an fdatasync of the output (one at a time, alongside the writes) after every this many bytes
   * (default 64 MiB; 0: only the final fsync), so the final fsync has little left to flush.
   */
  outputSyncEveryBytes?: number;
}

export interface PipelineStageResult {
  file: string;
  exitCode: number | undefined;
  signal: string | undefined;
  /** The stage's stderr; when it said more than 2 MiB, its first 64 KiB and its last MiB (at line breaks). */
  stderr: string;
  spawnFailed: boolean;
  durationMs: number;
}

export interface PipelineResult {
  /** Every stage exited 0, nothing was cancelled or timed out, and the input and output files were read and written. */
  ok: boolean;
  stages: PipelineStageResult[];
  /** The first stage to fail, in the order failures happened: the cause (the others were killed or lost their pipe). */
  failedStage: number | undefined;
  /** Reading `inputFile` or writing/syncing `outputFile` failed, e.g. `ENOSPC: no space left on device`. */
  ioError: string | undefined;
  timedOut: boolean;
  cancelled: boolean;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
}

const PIPE_CHUNK = 1024 * 1024;
// A stage's stderr keeps its beginning (where tools say what they are about to do) and its end (where they say
// how it went): hours of progress lines must not grow memory without bound.
const STAGE_STDERR_HEAD = 64 * 1024;
const OUTPUT_BATCH = 4 * 1024 * 1024;
// writev takes the chunks as they came (no copy into one batch buffer); past IOV_MAX libuv splits the call.
const OUTPUT_BATCH_CHUNKS = 1024;
const OUTPUT_SYNC_EVERY = 64 * 1024 * 1024;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const tapping = (onChunk: ((chunk: Uint8Array) => void) | undefined, count: (n: number) => void) =>
  async function* (source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      count(chunk.byteLength);
      onChunk?.(chunk);
      yield chunk;
    }
  };

export const execPipeline = async (
  stages: readonly PipelineStage[],
  options: PipelineOptions = {},
): Promise<PipelineResult> => {
  if (stages.length === 0) throw new TypeError('execPipeline needs at least one stage');
  const started = performance.now();
  const result = (partial: Partial<PipelineResult>): PipelineResult => ({
    ok: false,
    stages: [],
    failedStage: undefined,
    ioError: undefined,
    timedOut: false,
    cancelled: Boolean(options.signal?.aborted),
    bytesIn: 0,
    bytesOut: 0,
    durationMs: performance.now() - started,
    ...partial,
  });

  // Open the output before starting anything: a target that cannot be opened must not cost a capture.
  const output = options.outputFile
    ? await open(options.outputFile, options.outputFlags ?? 'w').catch((e: unknown) => errorText(e))
    : undefined;
  if (typeof output === 'string') return result({ ioError: output });

  const kill = new AbortController();
  let timedOut = false;
  let failedStage: number | undefined;
  let ioError: string | undefined;
  let bytesIn = 0;
  let bytesOut = 0;
  // The output's background fdatasync, when one is running (awaited before the final fsync and close).
  let syncing: Promise<void> | undefined;
  const onAbort = () => kill.abort();
  if (options.signal?.aborted) kill.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          kill.abort();
        }, options.timeoutMs);

  const children = stages.map((stage, i) => {
    const child = execa(stage.file, stage.args, {
      env: { LC_ALL: 'C', ...options.env, ...stage.env },
      extendEnv: true,
      cwd: options.cwd,
      cancelSignal: kill.signal,
      reject: false,
      buffer: false,
      encoding: 'buffer',
      stdin: i === 0 && options.inputFile === undefined ? 'ignore' : 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      forceKillAfterDelay: 5_000,
      cleanup: true,
    });
    const stderr = outputRetainer(STREAMED_OUTPUT_LIMIT, STAGE_STDERR_HEAD);
    const decoder = new TextDecoder();
    const lines = stage.onStderrLine ? splitter(stage.onStderrLine) : undefined;
    child.stderr?.on('data', (c: Uint8Array) => {
      const text = decoder.decode(c, { stream: true });
      stderr.push(text);
      lines?.push(text);
    });
    const stageStarted = performance.now();
    const done = child.then((r): PipelineStageResult => {
      lines?.end();
      const exitCode = r.exitCode;
      if (exitCode !== 0 && failedStage === undefined) {
        failedStage = i;
        kill.abort();
      }
      return {
        file: stage.file,
        exitCode,
        signal: r.signal,
        stderr: stderr.result().text,
        spawnFailed: exitCode === undefined && !r.signal && !r.isCanceled && !r.timedOut,
        durationMs: performance.now() - stageStarted,
      };
    });
    return { child, done };
  });

  const ioFailed = (error: unknown) => {
    ioError ??= errorText(error);
    kill.abort();
  };
  // A broken pipe between stages is not an I/O error of ours: the stage that went away reports its own status.
  const links: Promise<unknown>[] = [];
  const first = children[0]?.child;
  if (options.inputFile !== undefined && first?.stdin) {
    const input = createReadStream(options.inputFile, { highWaterMark: PIPE_CHUNK });
    // Only a failure to read the file is our I/O error; the stage closing its stdin early is its own story.
    const reading = async function* () {
      try {
        yield* input;
      } catch (error) {
        ioFailed(error);
      }
    };
    links.push(
      pipeline(
        reading,
        tapping(options.onInputChunk, (n) => {
          bytesIn += n;
        }),
        first.stdin,
      ).catch(() => undefined),
    );
  }
  for (let i = 0; i + 1 < children.length; i++) {
    const from = children[i]?.child.stdout;
    const to = children[i + 1]?.child.stdin;
    if (from && to)
      links.push(
        pipeline(
          from,
          tapping(stages[i]?.onStdoutChunk, () => {}),
          to,
        ).catch(() => undefined),
      );
  }
  const last = children[children.length - 1]?.child.stdout;
  const countOut = (n: number) => {
    bytesOut += n;
  };
  const lastTap = tapping(stages[stages.length - 1]?.onStdoutChunk, countOut);
  if (last) {
    links.push(
      (async () => {
        if (!output) {
          for await (const _chunk of lastTap(last)) {
            // Discarded: the taps were the point.
          }
          return;
        }
        // Batches of OUTPUT_BATCH with one write in flight while the next batch is read, so the disk and
        // the last stage work at the same time; the data is flushed along the way (see outputSyncEveryBytes).
        let position = 0;
        let batch: Uint8Array[] = [];
        let batchBytes = 0;
        let inFlight: Promise<void> = Promise.resolve();
        let failed = false;
        const syncEvery = options.outputSyncEveryBytes ?? OUTPUT_SYNC_EVERY;
        let unsynced = 0;
        const writeAt = async (chunks: Uint8Array[], bytes: number, at: number) => {
          let done = (await output.writev(chunks, at)).bytesWritten;
          if (done < bytes) {
            // A short writev (rare): the rest, byte-exact, from one copy.
            const rest = Buffer.concat(chunks, bytes);
            while (done < bytes)
              done += (await output.write(rest, done, bytes - done, at + done)).bytesWritten;
          }
        };
        const flush = () => {
          const chunks = batch;
          const bytes = batchBytes;
          const at = position;
          position += bytes;
          batch = [];
          batchBytes = 0;
          inFlight = inFlight.then(async () => {
            if (failed) return;
            try {
              await writeAt(chunks, bytes, at);
              unsynced += bytes;
              if (syncEvery > 0 && unsynced >= syncEvery && !syncing && !kill.signal.aborted) {
                unsynced = 0;
                syncing = output
                  .datasync()
                  .catch((error: unknown) => {
                    failed = true;
                    ioFailed(error);
                    last.destroy();
                  })
                  .finally(() => {
                    syncing = undefined;
                  });
              }
            } catch (error) {
              failed = true;
              ioFailed(error);
              last.destroy();
            }
          });
        };
        for await (const chunk of lastTap(last)) {
          if (failed) break;
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          if (batchBytes >= OUTPUT_BATCH || batch.length >= OUTPUT_BATCH_CHUNKS) {
            await inFlight;
            flush();
          }
        }
        if (batchBytes > 0 && !failed) flush();
        await inFlight;
      })().catch(() => undefined),
    );
  }

  const stageResults = await Promise.all(children.map((c) => c.done));
  await Promise.all(links);
  await syncing;
  if (output) {
    if (failedStage === undefined && ioError === undefined && !kill.signal.aborted) {
      await output.sync().catch(ioFailed);
    }
    await output.close().catch(ioFailed);
  }
  if (timer) clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  const cancelled = Boolean(options.signal?.aborted);
  return result({
    ok:
      !cancelled &&
      !timedOut &&
      failedStage === undefined &&
      ioError === undefined &&
      stageResults.every((s) => s.exitCode === 0),
    stages: stageResults,
    failedStage,
    ioError,
    timedOut,
    cancelled,
    bytesIn,
    bytesOut,
  });
};

// Services: a long-running child (a loopback test server, say) started now and stopped later, under the
// same rules as exec (argv only, secrets in env) and killed with the parent if the parent dies first.

export interface ServiceOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface ServiceExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** The last 64 KiB of stderr. */
  stderr: string;
  /** The program could not be started (not installed, not executable). */
  spawnFailed: boolean;
  durationMs: number;
}

export interface ServiceHandle {
  pid: number | undefined;
  /** Resolves once the process has ended; never rejects. */
  exited: Promise<ServiceExit>;
  running: () => boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves when the process has ended. */
  stop: (graceMs?: number) => Promise<ServiceExit>;
  /** Sends a signal now, SIGKILL by default: a crash, for fault tests. */
  kill: (signal?: NodeJS.Signals) => void;
}

const SERVICE_STDERR_KEEP = 64 * 1024;

export const spawnService = (
  file: string,
  args: readonly string[],
  options: ServiceOptions = {},
): ServiceHandle => {
  const started = performance.now();
  const child = execa(file, args, {
    env: { LC_ALL: 'C', ...options.env },
    extendEnv: true,
    cwd: options.cwd,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    forceKillAfterDelay: false,
    cleanup: true,
  });
  let ended = false;
  let stderr = '';
  const out = options.onStdoutLine ? splitter(options.onStdoutLine) : undefined;
  const err = options.onStderrLine ? splitter(options.onStderrLine) : undefined;
  // Always drain both pipes: a service that fills an unread pipe blocks.
  child.stdout?.on('data', (c: Buffer) => out?.push(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => {
    const text = c.toString('utf8');
    stderr = (stderr + text).slice(-SERVICE_STDERR_KEEP);
    err?.push(text);
  });
  const exited: Promise<ServiceExit> = child.then((r) => {
    ended = true;
    out?.end();
    err?.end();
    return {
      exitCode: r.exitCode,
      signal: r.signal,
      stderr,
      spawnFailed: r.exitCode === undefined && !r.signal,
      durationMs: performance.now() - started,
    };
  });
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!ended) child.kill(signal);
  };
  return {
    pid: child.pid,
    exited,
    running: () => !ended,
    stop: async (graceMs = 5_000) => {
      if (ended) return exited;
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    kill,
  };
};
