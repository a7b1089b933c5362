// Ack latency of the lifeboat bot beside a bare Bolt app: N signed slash commands, C at a time, each timed from
// request sent to HTTP response. Both run Bolt's HTTPReceiver with signature checks, against the same fake Slack.
// The bot does its real work after each ack (store, audit, Slack posts, dispatch to a fake GitHub).
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const GOAL_P99_MS = 50;
const GOAL_RATIO = 1.2;
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-token';
// A requester of lisle-finance-share in the example inventory; alternate-target restores need no approval there.
const REQUESTER = 'U05KS1PN4T2';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:bot: --${name} needs a positive integer\n`);
    process.exit(2);
  }
  return n;
};
const REQUESTS = arg('requests', 500);
const CONCURRENCY = arg('concurrency', 50);
const WARMUP = Math.min(20, REQUESTS);

const load = async (rel) => {
  try {
    return await import(pathToFileURL(path.join(repo, rel)).href);
  } catch (err) {
    process.stderr.write(`bench:bot: cannot load ${rel} (run \`npx tsc -b\` first): ${err.message}\n`);
    process.exit(1);
  }
};
const bot = await load('bot/dist/index.js');
const support = await load('test-support/dist/index.js');
const boltPath = createRequire(path.join(repo, 'bot/package.json')).resolve('@slack/bolt');
const bolt = await import(pathToFileURL(boltPath).href);
const { App, HTTPReceiver, LogLevel } = bolt.default ?? bolt;

const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Fire `count` signed /restore commands at `url`, `concurrency` in flight; return sorted latencies (ms). */
const hammer = async (url, slack, count) => {
  if (count === 0) return [];
  const latencies = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = support.slashCommandBody({
        command: '/restore',
        text: `lisle lisle-finance-share /srv/shares/finance/bench-${i}.xlsx -- bench run ${i}`,
        user_id: REQUESTER,
        channel_id: 'C0BENCH001',
        trigger_id: slack.newTriggerId(),
        response_url: slack.newResponseUrl(),
      });
      const reply = await support.sendToBolt(url, body, { secret: SECRET, timeoutMs: 20_000 });
      if (reply.status !== 200) failures++;
      latencies.push(reply.ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  if (failures > 0) throw new Error(`${failures} of ${count} commands were not acked with 200`);
  return latencies.sort((a, b) => a - b);
};

const startBare = async (slackUrl) => {
  const receiver = new HTTPReceiver({
    signingSecret: SECRET,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
    clientOptions: { slackApiUrl: slackUrl },
  });
  app.command('/restore', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${server.address().port}/slack/events`,
    stop: async () => {
      server.closeAllConnections();
      await app.stop();
    },
  };
};

const startLifeboat = async (slackUrl, githubUrl, stateDir) => {
  const { inventory } = await (await load('core/dist/index.js')).loadInventory(repo);
  const dispatcher = bot.createGitHubDispatcher({
    token: 'gh-bench-token',
    owner: 'kestrel',
    repo: 'infra',
    baseUrl: githubUrl,
    inventory,
    ref: 'main',
  });
  const instance = await bot.createBot({
    config: {
      slackBotToken: TOKEN,
      slackSigningSecret: SECRET,
      mode: 'http',
      port: 0,
      host: '127.0.0.1',
      dispatcher: 'github',
      root: repo,
      stateDir,
      slackApiUrl: slackUrl,
      approvalTtlSeconds: 3600,
      // Every command comes from one user: the per-user limit would refuse most of them.
      rateLimitPerMinute: 1_000_000,
    },
    dispatcher,
    logLevel: LogLevel.ERROR,
  });
  const { url } = await instance.start();
  return { url, stop: () => instance.stop(), store: instance.deps.store };
};

/**
 * `--serve bare|lifeboat <slackUrl> <githubUrl> <stateDir>`: one server under test in its own process, so the
 * fakes and the load generator (in the parent) never share its event loop. Talks to the parent over IPC.
 */
const serve = async (kind, slackUrl, githubUrl, dir) => {
  const server = kind === 'bare' ? await startBare(slackUrl) : await startLifeboat(slackUrl, githubUrl, dir);
  process.on('message', async (m) => {
    if (m === 'settled') {
      if (server.store) await settled(server.store);
      process.send?.({ settled: true, count: server.store ? (await server.store.list()).length : 0 });
    }
    if (m === 'stop') {
      await server.stop();
      process.send?.({ stopped: true, count: server.store ? (await server.store.list()).length : 0 });
      process.disconnect?.();
    }
  });
  process.send?.({ url: server.url });
};

/** Until every request the bot took has been dispatched (or ended): its after-ack work is done. */
const settled = async (store) => {
  const until = Date.now() + 60_000;
  for (;;) {
    const all = await store.list();
    if (
      all.every(
        (r) => r.dispatch?.runId !== undefined || ['failed', 'refused', 'succeeded'].includes(r.state),
      )
    )
      return;
    if (Date.now() > until) throw new Error('the bot did not finish its work within 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const ROUNDS = Math.min(5, REQUESTS);

/** Start one server under test in a child process (this script with --serve). */
const spawnServer = (kind, slackUrl, githubUrl, dir) =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--serve', kind, slackUrl, githubUrl, dir], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${kind} server did not start within 60 s`));
    }, 60_000);
    const ask = (message, key) =>
      new Promise((res, rej) => {
        const t = setTimeout(
          () => rej(new Error(`${kind} server did not answer ${message} within 90 s`)),
          90_000,
        );
        const on = (m) => {
          if (m?.[key]) {
            clearTimeout(t);
            child.off('message', on);
            res(m);
          }
        };
        child.on('message', on);
        child.send(message);
      });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${code}) before it was ready`));
    });
    child.on('message', (m) => {
      if (!m?.url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: m.url,
        settled: () => ask('settled', 'settled'),
        stop: async () => {
          const done = await ask('stop', 'stopped');
          child.kill();
          return done.count;
        },
      });
    });
  });

/**
 * Both servers up; warm-up, then rounds alternating which goes first, each side getting REQUESTS/ROUNDS
 * commands per round. The bot's after-ack work is allowed to finish before the other side's turn.
 */
const measureBoth = async (slack, bare, life) => {
  const out = { bare: [], life: [] };
  const wall = { bare: 0, life: 0 };
  const turn = async (side, count) => {
    const server = side === 'bare' ? bare : life;
    const t0 = performance.now();
    out[side].push(...(await hammer(server.url, slack, count)));
    wall[side] += (performance.now() - t0) / 1000;
    await server.settled();
  };
  await turn('bare', WARMUP);
  await turn('life', WARMUP);
  out.bare = [];
  out.life = [];
  wall.bare = 0;
  wall.life = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const count = Math.floor(REQUESTS / ROUNDS) + (round < REQUESTS % ROUNDS ? 1 : 0);
    const order = round % 2 === 0 ? ['bare', 'life'] : ['life', 'bare'];
    for (const side of order) await turn(side, count);
  }
  const summary = (name, values, seconds) => {
    const sorted = values.sort((a, b) => a - b);
    return {
      name,
      wall: seconds,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted.at(-1),
    };
  };
  return {
    bare: summary('bare Bolt', out.bare, wall.bare),
    life: summary('lifeboat bot', out.life, wall.life),
  };
};

const main = async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-bot-'));
  const slack = await support.startFakeSlack({ token: TOKEN, idleTimeoutMs: 300_000 });
  const github = await support.startFakeGitHub({
    token: 'gh-bench-token',
    idleTimeoutMs: 300_000,
    runners: [
      { name: 'lisle-runner-1', labels: ['self-hosted', 'Linux', 'X64', 'linux', 'lifeboat', 'site-lisle'] },
    ],
  });
  let exitCode = 0;
  const servers = [];
  try {
    const before = loadavg();
    const bare = await spawnServer('bare', slack.url, github.url, stateDir);
    servers.push(bare);
    const life = await spawnServer('lifeboat', slack.url, github.url, stateDir);
    servers.push(life);
    const results = await measureBoth(slack, bare, life);
    servers.length = 0;
    await bare.stop();
    // The bot's work after the acks finishes before the numbers are trusted: it must not be lost.
    const created = await life.stop();
    const after = loadavg();
    const r = results;
    const ratio = r.life.p99 / r.bare.p99;
    const okP99 = r.life.p99 < GOAL_P99_MS;
    const okRatio = ratio <= GOAL_RATIO;
    const lines = [
      `bench:bot — ${REQUESTS} signed /restore commands, ${CONCURRENCY} at a time (+${WARMUP} warm-up each, ${ROUNDS} alternating rounds), ack latency`,
      `cores ${availableParallelism()}, load average ${before.map((l) => l.toFixed(2)).join(' ')} → ${after.map((l) => l.toFixed(2)).join(' ')}`,
    ];
    for (const x of [r.bare, r.life])
      lines.push(
        `${x.name.padEnd(13)} p50 ${fmt(x.p50).padStart(9)}  p99 ${fmt(x.p99).padStart(9)}  max ${fmt(x.max).padStart(9)}  (${(REQUESTS / x.wall).toFixed(0)} req/s)`,
      );
    lines.push(`ratio p99 lifeboat/bare ${ratio.toFixed(2)} (p50 ${(r.life.p50 / r.bare.p50).toFixed(2)})`);
    lines.push(
      `requests recorded by the bot: ${created} (expected ${REQUESTS + WARMUP}); GitHub dispatches: ${github.state.dispatches.length}`,
    );
    lines.push(`${okP99 ? 'PASS' : 'MISS'} p99 ${fmt(r.life.p99)} < ${GOAL_P99_MS} ms`);
    lines.push(`${okRatio ? 'PASS' : 'MISS'} ratio ${ratio.toFixed(2)} ≤ ${GOAL_RATIO}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (created !== REQUESTS + WARMUP) {
      process.stderr.write('bench:bot: the bot lost requests\n');
      exitCode = 1;
    }
  } catch (err) {
    process.stderr.write(`bench:bot: ${err.message}\n`);
    exitCode = 1;
  } finally {
    await Promise.all(servers.map((x) => x.stop().catch(() => undefined)));
    await Promise.all([slack.close(), github.close()]);
    await rm(stateDir, { recursive: true, force: true });
  }
  process.exit(exitCode);
};

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  const [kind, slackUrl, githubUrl, dir] = process.argv.slice(serveAt + 1);
  await serve(kind, slackUrl, githubUrl, dir);
} else {
  await main();
}
