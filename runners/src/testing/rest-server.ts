// A loopback restic REST server (`rclone serve restic`) for tests and fault drills: a free port on
// 127.0.0.1, ready when it accepts connections, and stop/kill/restart on the same port.

import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { type ServiceExit, type ServiceHandle, spawnService } from '../exec/exec.js';

export interface RestServerOptions {
  /** Directory holding the repositories (created if missing). */
  dir: string;
  /** `--append-only`: clients can add data but not delete or overwrite it. */
  appendOnly?: boolean;
  /** Require HTTP basic auth (`rest:http://user:pass@127.0.0.1:PORT/`). */
  auth?: { user: string; pass: string };
  /** rclone binary; default `rclone`. */
  binary?: string;
  /** How long to wait for the server to accept connections; default 10 s. */
  readyTimeoutMs?: number;
  /** Port picker; default freePort(). Tests use it to force a collision. */
  pickPort?: () => Promise<number>;
}

export interface RestServer {
  /** `rest:http://127.0.0.1:PORT/` — without credentials even when `auth` is set. */
  url: string;
  /** The same with `user:pass@` when `auth` is set. */
  urlWithCredentials: string;
  port: number;
  dir: string;
  running: () => boolean;
  /** Graceful stop (SIGTERM). Safe to call twice. */
  stop: () => Promise<void>;
  /** SIGKILL now, like a crash; does not wait. */
  kill: () => void;
  /** Stops (if running) and starts again on the same port and directory. */
  restart: () => Promise<void>;
}

/** A port that was free a moment ago (the OS picks it; the listener is closed before returning). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts rclone on `port`; resolves with the handle once it serves and accepts connections, or with its exit. */
const launch = async (
  options: RestServerOptions,
  port: number,
): Promise<{ ok: true; service: ServiceHandle } | { ok: false; exit: ServiceExit | undefined }> => {
  const args = ['serve', 'restic', '--addr', `127.0.0.1:${port}`];
  if (options.appendOnly) args.push('--append-only');
  if (options.auth) args.push('--user', options.auth.user);
  args.push(options.dir);
  let serving = false;
  const service = spawnService(options.binary ?? 'rclone', args, {
    // No rclone config is needed for a local directory; the pass goes through env, not argv.
    env: {
      RCLONE_CONFIG: '/dev/null',
      ...(options.auth ? { RCLONE_PASS: options.auth.pass } : {}),
    },
    // rclone logs this once it has bound the port: a connection alone could reach another process.
    onStderrLine: (line) => {
      if (line.includes('Serving restic REST API on')) serving = true;
    },
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (!service.running()) return { ok: false, exit: await service.exited };
    if (serving && (await accepts(port))) return { ok: true, service };
    await sleep(25);
  }
  await service.stop(1_000);
  return { ok: false, exit: undefined };
};

export const startRestServer = async (options: RestServerOptions): Promise<RestServer> => {
  await mkdir(options.dir, { recursive: true });
  let service: ServiceHandle | undefined;
  let port = 0;
  let lastExit: ServiceExit | undefined;
  // Another process can take the port between freePort() and rclone's bind: pick again.
  for (let attempt = 0; attempt < 5 && !service; attempt++) {
    port = await (options.pickPort ?? freePort)();
    const started = await launch(options, port);
    if (started.ok) service = started.service;
    else lastExit = started.exit;
  }
  if (!service) {
    const why = lastExit
      ? `exit ${lastExit.exitCode ?? lastExit.signal}: ${lastExit.stderr.trim().split('\n').at(-1)}`
      : 'not ready in time';
    throw new Error(`rclone serve restic did not start (${why})`);
  }
  const url = `rest:http://127.0.0.1:${port}/`;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';
  const stop = async () => {
    if (service?.running()) await service.stop(2_000);
  };
  return {
    url,
    urlWithCredentials: `rest:http://${credentials}127.0.0.1:${port}/`,
    port,
    dir: options.dir,
    running: () => Boolean(service?.running()),
    stop,
    kill: () => service?.kill('SIGKILL'),
    restart: async () => {
      await stop();
      await service?.exited;
      // Same port, so clients keep their URL; it was ours a moment ago, but retry briefly if the OS lags.
      for (let attempt = 0; attempt < 20; attempt++) {
        const started = await launch(options, port);
        if (started.ok) {
          service = started.service;
          return;
        }
        lastExit = started.exit;
        await sleep(100);
      }
      throw new Error(`rclone serve restic did not restart on port ${port}`);
    },
  };
};
