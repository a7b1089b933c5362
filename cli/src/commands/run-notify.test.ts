import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Inventory, loadInventory, type RunRecord } from '@lifeboat/core';
import type { JobRequest, RunSummary } from '@lifeboat/runners';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runNotify } from './run-notify.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Call {
  method: string;
  body: Record<string, unknown>;
}
const calls: Call[] = [];
let server: Server;
let apiUrl: string;
let inventory: Inventory;
let dir: string;

beforeAll(async () => {
  inventory = (await loadInventory(ROOT)).inventory;
  dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-run-notify-'));
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const body = JSON.parse(text) as Record<string, unknown>;
      calls.push({ method, body });
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== 'Bearer xoxb-runner')
        return res.end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
      res.end(
        JSON.stringify({ ok: true, ts: method === 'chat.postMessage' ? '1700000009.000100' : body.ts }),
      );
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  calls.length = 0;
  vi.unstubAllEnvs();
});

const REQUEST: JobRequest = {
  job: 'restore',
  subject: { kind: 'policy', name: 'lisle-finance-share' },
  id: 'rq_abcdefghijklmnop',
  restore: { snapshot: 'latest', paths: [], target: 'alternate' },
};

const summary = (over: Partial<RunSummary>): RunSummary => ({
  site: 'lisle',
  now: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:00:01Z',
  jobs: [],
  waiting: [],
  skipped: [],
  cancelled: false,
  ok: true,
  counts: {},
  ...over,
});

const FLAGS = {
  slackChannel: 'C0CHANNEL1',
  slackThread: '1700000000.000100',
  slackMessage: '1700000000.000200',
};

describe('runNotify', () => {
  it('does nothing without a channel, or for --due', async () => {
    vi.stubEnv('SLACK_BOT_TOKEN', 'xoxb-runner');
    vi.stubEnv('SLACK_API_URL', apiUrl);
    const warnings: string[] = [];
    const a = await runNotify({ slackChannel: '' }, REQUEST, inventory, 'lisle', undefined, (m) =>
      warnings.push(m),
    );
    await a.finish(summary({ error: 'x' }));
    const b = await runNotify(FLAGS, undefined, inventory, 'lisle', undefined, (m) => warnings.push(m));
    await b.finish(summary({ error: 'x' }));
    expect(calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('warns and posts nothing when SLACK_BOT_TOKEN is missing', async () => {
    vi.stubEnv('SLACK_BOT_TOKEN', '');
    vi.stubEnv('SLACK_API_URL', apiUrl);
    const warnings: string[] = [];
    const n = await runNotify(FLAGS, REQUEST, inventory, 'lisle', undefined, (m) => warnings.push(m));
    await n.finish(summary({ error: 'x' }));
    expect(calls).toEqual([]);
    expect(warnings[0]).toMatch(/SLACK_BOT_TOKEN is not set/);
  });

  it("updates the bot's message: started, then the result from the run record", async () => {
    vi.stubEnv('SLACK_BOT_TOKEN', 'xoxb-runner');
    vi.stubEnv('SLACK_API_URL', apiUrl);
    const record: RunRecord = {
      apiVersion: 'lifeboat/v1',
      kind: 'RunRecord',
      id: '20260101T000000000Z-0a1b2c3d4e5f',
      job: 'restore',
      site: 'lisle',
      policy: 'lisle-finance-share',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:30.000Z',
      durationSeconds: 30,
      tool: { name: 'restic', version: '0.14.0' },
      outcome: 'ok',
      stats: { target: '/srv/lifeboat-restore/lisle-finance-share/x', restore_bytes: 2048 },
    };
    const file = path.join(dir, 'record.json');
    await writeFile(file, JSON.stringify(record));
    const n = await runNotify(
      FLAGS,
      REQUEST,
      inventory,
      'lisle',
      { workflowRun: 'https://github.com/o/r/actions/runs/1' },
      () => undefined,
    );
    n.onEvent({
      event: 'job-start',
      key: 'k',
      job: 'restore',
      subjects: [REQUEST.subject],
      repository: 'r',
      index: 1,
      total: 1,
      at: '',
    });
    await n.finish(
      summary({
        jobs: [
          {
            key: 'k',
            job: 'restore',
            subjects: [REQUEST.subject],
            repository: 'r',
            outcome: 'ok',
            durationSeconds: 30,
            reason: '',
            records: [record.id],
            recordFiles: [file],
          },
        ],
      }),
    );
    expect(calls.map((c) => [c.method, c.body.ts, c.body.channel])).toEqual([
      ['chat.update', '1700000000.000200', 'C0CHANNEL1'],
      ['chat.update', '1700000000.000200', 'C0CHANNEL1'],
    ]);
    expect(String(calls[1]?.body.text)).toMatch(
      /^Restore of lisle-finance-share verified at lisle \(took 30s/,
    );
  });

  it('tells the thread when the runner refuses the request', async () => {
    vi.stubEnv('SLACK_BOT_TOKEN', 'xoxb-runner');
    vi.stubEnv('SLACK_API_URL', apiUrl);
    const n = await runNotify(
      { slackChannel: 'C0CHANNEL1', slackThread: '1700000000.000100' },
      REQUEST,
      inventory,
      'lisle',
      undefined,
      () => undefined,
    );
    await n.finish(summary({ error: 'policy "lisle-finance-share" requires an approver for this restore' }));
    expect(calls.map((c) => [c.method, c.body.thread_ts])).toEqual([
      ['chat.postMessage', '1700000000.000100'],
    ]);
    expect(String(calls[0]?.body.text)).toContain('refused by the runner');
  });
});
