// A loopback restic REST server (`rclone serve restic`) for tests and fault drills: a free port on
// 127.0.0.1, ready when it accepts connections, and stop/kill/restart on the same port.

import {
  freeLoopbackPort,
  launchRestServe,
  launchRestServeOnFreePort,
  type RestServeOptions,
} from '../demo/rest-service.js';

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
export const freePort = freeLoopbackPort;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const serveOptions = (options: RestServerOptions): RestServeOptions => ({
  ...options,
  readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
});

export const startRestServer = async (options: RestServerOptions): Promise<RestServer> => {
  const first = await launchRestServeOnFreePort(serveOptions(options), options.pickPort);
  let service = first.service;
  const { port } = first;
  const url = `rest:http://127.0.0.1:${port}/`;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';
  const stop = async () => {
    if (service.running()) await service.stop(2_000);
  };
  return {
    url,
    urlWithCredentials: `rest:http://${credentials}127.0.0.1:${port}/`,
    port,
    dir: options.dir,
    running: () => service.running(),
    stop,
    kill: () => service.kill('SIGKILL'),
    restart: async () => {
      await stop();
      await service.exited;
      // Same port, so clients keep their URL; it was ours a moment ago, but retry briefly if the OS lags.
      for (let attempt = 0; attempt < 20; attempt++) {
        const started = await launchRestServe(serveOptions(options), port);
        if (started.ok) {
          service = started.service;
          return;
        }
        await sleep(100);
      }
      throw new Error(`rclone serve restic did not restart on port ${port}`);
    },
  };
};
