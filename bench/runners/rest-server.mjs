// `rclone serve restic` on loopback for the benchmarks, started through runners' exec choke point
// (spawnService): ready once rclone says it serves and the port accepts; kill (a crash) and restart on the
// same port for the soak's chaos loop.
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });

const launch = async (spawnService, dir, port) => {
  let serving = false;
  const service = spawnService('rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], {
    env: { RCLONE_CONFIG: '/dev/null' },
    onStderrLine: (line) => {
      if (line.includes('Serving restic REST API on')) serving = true;
    },
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!service.running())
      return { ok: false, why: (await service.exited).stderr.trim().split('\n').at(-1) };
    if (serving && (await accepts(port))) return { ok: true, service };
    await sleep(25);
  }
  await service.stop(1_000);
  return { ok: false, why: 'not ready within 15 s' };
};

/** `spawnService` comes from runners/dist (the benchmarks import the built package). */
export const startRestServer = async (spawnService, dir) => {
  await mkdir(dir, { recursive: true });
  let service;
  let port;
  let why = '';
  for (let attempt = 0; attempt < 5 && !service; attempt++) {
    port = await freePort();
    const started = await launch(spawnService, dir, port);
    if (started.ok) service = started.service;
    else why = started.why;
  }
  if (!service) throw new Error(`rclone serve restic did not start: ${why}`);
  const stop = async () => {
    if (service?.running()) await service.stop(2_000);
  };
  return {
    url: `rest:http://127.0.0.1:${port}/`,
    port,
    running: () => Boolean(service?.running()),
    stop,
    /** SIGKILL, like a crash or a NAS losing power; resolves once the process is gone. */
    kill: async () => {
      if (!service?.running()) return;
      service.kill('SIGKILL');
      await service.exited;
    },
    /** Starts again on the same port (clients keep their URL); retries while the OS still holds the port. */
    restart: async () => {
      await stop();
      for (let attempt = 0; attempt < 40; attempt++) {
        const started = await launch(spawnService, dir, port);
        if (started.ok) {
          service = started.service;
          return;
        }
        why = started.why;
        await sleep(100);
      }
      throw new Error(`rclone serve restic did not restart on port ${port}: ${why}`);
    },
  };
};
