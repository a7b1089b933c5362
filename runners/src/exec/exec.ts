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

export const exec = async (file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> => {
  const started = performance.now();
  const child = execa(file, args, {
    env: { LC_ALL: 'C', ...options.env },
    extendEnv: true,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
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
