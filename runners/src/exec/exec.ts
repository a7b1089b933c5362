import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';

// The one place that starts a process: argv arrays (never a shell string), secrets only through env,
// output captured and streamed line by line, cancellation and timeouts that kill the whole process.

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
}

export interface ExecResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started (not installed, not executable). */
  spawnFailed: boolean;
  durationMs: number;
}

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
    buffer: true,
    encoding: 'utf8',
    forceKillAfterDelay: 5_000,
    cleanup: true,
  });
  const out = options.onStdoutLine ? splitter(options.onStdoutLine) : undefined;
  const err = options.onStderrLine ? splitter(options.onStderrLine) : undefined;
  child.stdout?.on('data', (c: Buffer) => out?.push(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => err?.push(c.toString('utf8')));
  const r = await child;
  out?.end();
  err?.end();
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
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
}

export interface PipelineStageResult {
  file: string;
  exitCode: number | undefined;
  signal: string | undefined;
  /** The stage's stderr; when it said more than ~1 MiB, its first 64 KiB and its last MiB. */
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
const STDERR_HEAD = 64 * 1024;
const STDERR_TAIL = 1024 * 1024;
const OUTPUT_BATCH = 4 * 1024 * 1024;

/**
 * Keeps the beginning (where tools print what they are about to do) and the end (where they say how it
 * went) of a long stderr: hours of progress lines must not grow memory without bound.
 */
const boundedText = () => {
  let head = '';
  let tail = '';
  let dropped = false;
  return {
    push(text: string) {
      let rest = text;
      if (head.length < STDERR_HEAD) {
        const take = rest.slice(0, STDERR_HEAD - head.length);
        head += take;
        rest = rest.slice(take.length);
      }
      if (rest === '') return;
      tail += rest;
      if (tail.length > 2 * STDERR_TAIL) {
        tail = tail.slice(-STDERR_TAIL);
        dropped = true;
      }
    },
    text: () =>
      dropped || tail.length > STDERR_TAIL ? `${head}\n[…]\n${tail.slice(-STDERR_TAIL)}` : head + tail,
  };
};

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
    const stderr = boundedText();
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
        stderr: stderr.text(),
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
        // the last stage work at the same time.
        let position = 0;
        let batch: Uint8Array[] = [];
        let batchBytes = 0;
        let inFlight: Promise<void> = Promise.resolve();
        let failed = false;
        const flush = () => {
          const data = Buffer.concat(batch, batchBytes);
          const at = position;
          position += data.byteLength;
          batch = [];
          batchBytes = 0;
          inFlight = inFlight.then(async () => {
            if (failed) return;
            try {
              for (let done = 0; done < data.byteLength; ) {
                done += (await output.write(data, done, data.byteLength - done, at + done)).bytesWritten;
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
          if (batchBytes >= OUTPUT_BATCH) {
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
