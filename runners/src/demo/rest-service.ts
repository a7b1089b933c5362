// The demo's NAS: `rclone serve restic` on a free loopback port, started through the exec choke point.
// testing/rest-server.ts builds its fault-drill server (stop/kill/restart) on launchRestServe below.
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { type ServiceExit, type ServiceHandle, spawnService } from '../exec/exec.js';

export interface RestService {
  /** `rest:http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  /** The directory it serves (each repository is a folder in it). */
  dir: string;
  pid: number | undefined;
  running: () => boolean;
  /** SIGTERM, then SIGKILL; safe to call twice. */
  stop: () => Promise<void>;
}

export interface RestServeOptions {
  /** Directory holding the repositories. */
  dir: string;
  /** `--append-only`: clients can add data but not delete or overwrite it. */
  appendOnly?: boolean;
  /** Require HTTP basic auth; the pass goes through env, not argv. */
  auth?: { user: string; pass: string };
  /** rclone binary; default `rclone`. */
  binary?: string;
  /** How long to wait for the server to accept connections. */
  readyTimeoutMs: number;
}

export type RestServeLaunch =
  | { ok: true; service: ServiceHandle }
  | { ok: false; exit: ServiceExit | undefined };

/** A port that was free a moment ago (the OS picks it; the listener is closed before returning). */
export const freeLoopbackPort = (): Promise<number> =>
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
export const launchRestServe = async (options: RestServeOptions, port: number): Promise<RestServeLaunch> => {
  const args = ['serve', 'restic', '--addr', `127.0.0.1:${port}`];
  if (options.appendOnly) args.push('--append-only');
  if (options.auth) args.push('--user', options.auth.user);
  args.push(options.dir);
  let serving = false;
  const service = spawnService(options.binary ?? 'rclone', args, {
    // No rclone config is needed for a local directory.
    env: {
      RCLONE_CONFIG: '/dev/null',
      ...(options.auth ? { RCLONE_PASS: options.auth.pass } : {}),
    },
    // Logged once the port is bound: a bare connection could reach another process on a reused port.
    onStderrLine: (line) => {
      if (line.includes('Serving restic REST API on')) serving = true;
    },
  });
  const deadline = Date.now() + options.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (!service.running()) return { ok: false, exit: await service.exited };
    if (serving && (await accepts(port))) return { ok: true, service };
    await sleep(25);
  }
  await service.stop(1_000);
  return { ok: false, exit: undefined };
};

/**
 * Creates the directory and launches on a fresh port, retrying on another port if one is taken between
 * picking and rclone's bind; throws one line naming rclone's last words when every attempt fails.
 */
export const launchRestServeOnFreePort = async (
  options: RestServeOptions,
  pickPort: () => Promise<number> = freeLoopbackPort,
): Promise<{ service: ServiceHandle; port: number }> => {
  await mkdir(options.dir, { recursive: true });
  let last: ServiceExit | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await pickPort();
    const started = await launchRestServe(options, port);
    if (started.ok) return { service: started.service, port };
    last = started.exit;
  }
  const why = last
    ? `exit ${last.spawnFailed ? 'not started (is rclone installed?)' : (last.exitCode ?? last.signal)}: ${last.stderr.trim().split('\n').at(-1) ?? ''}`
    : 'not ready in time';
  throw new Error(`rclone serve restic did not start (${why})`);
};

/** Starts the server and resolves once it accepts connections; retries on another port if one is taken. */
export const startRestService = async (
  dir: string,
  options: { binary?: string; readyTimeoutMs?: number } = {},
): Promise<RestService> => {
  const { service, port } = await launchRestServeOnFreePort({
    dir,
    binary: options.binary,
    readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
  });
  return {
    url: `rest:http://127.0.0.1:${port}/`,
    port,
    dir,
    pid: service.pid,
    running: service.running,
    stop: async () => {
      if (service.running()) await service.stop(2_000);
    },
  };
};
