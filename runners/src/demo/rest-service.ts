// The demo's NAS: `rclone serve restic` on a free loopback port, started through the exec choke point.
// (Tests have a richer twin in testing/rest-server.ts; production code may not import test helpers.)
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

/** A port that was free a moment ago (the OS picks it). */
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

const launch = async (
  dir: string,
  port: number,
  binary: string,
  readyMs: number,
): Promise<{ service: ServiceHandle } | { exit: ServiceExit | undefined }> => {
  let serving = false;
  const service = spawnService(binary, ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], {
    env: { RCLONE_CONFIG: '/dev/null' },
    // Logged once the port is bound: a bare connection could reach another process on a reused port.
    onStderrLine: (line) => {
      if (line.includes('Serving restic REST API on')) serving = true;
    },
  });
  const deadline = Date.now() + readyMs;
  while (Date.now() < deadline) {
    if (!service.running()) return { exit: await service.exited };
    if (serving && (await accepts(port))) return { service };
    await sleep(25);
  }
  await service.stop(1_000);
  return { exit: undefined };
};

/** Starts the server and resolves once it accepts connections; retries on another port if one is taken. */
export const startRestService = async (
  dir: string,
  options: { binary?: string; readyTimeoutMs?: number } = {},
): Promise<RestService> => {
  await mkdir(dir, { recursive: true });
  let last: ServiceExit | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeLoopbackPort();
    const started = await launch(dir, port, options.binary ?? 'rclone', options.readyTimeoutMs ?? 15_000);
    if ('service' in started) {
      const { service } = started;
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
    }
    last = started.exit;
  }
  const why = last
    ? `exit ${last.spawnFailed ? 'not started (is rclone installed?)' : (last.exitCode ?? last.signal)}: ${last.stderr.trim().split('\n').at(-1) ?? ''}`
    : 'not ready in time';
  throw new Error(`rclone serve restic did not start (${why})`);
};
