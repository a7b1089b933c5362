import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '@lifeboat/core';
import { jobs } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextOf,
  PASSWORD,
  PASSWORD_VAR,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from '../../../runners/src/jobs/testing/restic-site.js';
import { type RestServer, startRestServer } from '../../../runners/src/testing/rest-server.js';
import { readAudit } from '../audit/index.js';
import { createLocalDispatcher } from '../dispatch/index.js';
import { type Harness, startHarness, USERS } from '../testing/harness.js';

// The embedded default end to end from Slack: a signed /restore, no approval needed (alternate target), the
// bot's local dispatcher restores a REAL file from a REAL restic repository (rclone serve restic on loopback),
// and the ONE status message ends with the verified result.

let root = '';
let server: RestServer;
let h: Harness;
let src = '';
const env = { [PASSWORD_VAR]: PASSWORD };

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lifeboat-bot-local-slack-'));
  src = join(root, 'src');
  server = await startRestServer({ dir: join(root, 'rest') });
  await writeRandomFiles(join(src, 'office'), { 'plans/floor.bin': 128 * 1024, 'memo.txt': 300 });
  const site = siteDoc({
    repository: server.url,
    more: { access: { approvers: [USERS.approver], requesters: [USERS.requester] } },
  });
  const policy = policyDoc({
    name: 'office',
    sources: [join(src, 'office')],
    path: 'office',
    more: { restore: { approval: 'in-place-only', alternateTarget: join(root, 'restores') } },
  });
  // The bot reads its inventory from disk like in production (JSON is YAML).
  const inv = join(root, 'inventory');
  await mkdir(join(inv, 'sites'), { recursive: true });
  await mkdir(join(inv, 'policies'), { recursive: true });
  await writeFile(
    join(inv, 'sites', 'lisle.yaml'),
    `# yaml-language-server: $schema=../schemas/Site.schema.json\n${JSON.stringify(site, null, 2)}\n`,
  );
  await writeFile(
    join(inv, 'policies', 'office.yaml'),
    `# yaml-language-server: $schema=../schemas/BackupPolicy.schema.json\n${JSON.stringify(policy, null, 2)}\n`,
  );
  const { inventory } = await loadInventory(inv);
  h = await startHarness({
    config: { root: inv, dispatcher: 'local' },
    dispatcher: ({ stateDir }) => createLocalDispatcher({ inventory, stateDir, env, progressEveryMs: 0 }),
  });
  // A real backup to restore from, recorded in the same ledger the bot reads.
  const { context } = contextOf({ inventory, stateDir: h.stateDir, sandboxDir: join(root, 'sandbox'), env });
  const backup = await jobs.RESTIC_JOBS.backup(plannedOf('backup', 'office'), context);
  expect(backup.outcome, backup.error?.message).toBe('ok');
}, 90_000);

afterAll(async () => {
  await h?.close();
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 30_000);

describe('local dispatcher from Slack (real restic)', () => {
  it('restores the asked file, verified, and says so in the one message', { timeout: 90_000 }, async () => {
    const original = join(src, 'office', 'plans', 'floor.bin');
    const reply = await h.slash(
      USERS.requester,
      '/restore',
      `lisle office ${original} -- floor plan overwritten`,
    );
    expect(reply.status).toBe(200);
    const r = await h.onlyRequest();
    const done = await h.waitForState(r.id, ['succeeded', 'failed'], 60_000);
    expect(done.state, JSON.stringify(done.result)).toBe('succeeded');
    expect(done.result).toMatchObject({ outcome: 'ok' });
    expect(done.result?.summary).toContain('verified');
    expect(done.result?.bytes).toBe(128 * 1024);
    const target = /restored to (\S+)/.exec(done.result?.summary ?? '')?.[1] ?? '';
    expect(target.startsWith(join(root, 'restores'))).toBe(true);
    expect(await sha256(join(target, original))).toBe(await sha256(original));
    await expect(readFile(join(target, src, 'office', 'memo.txt'))).rejects.toThrow();

    // The state flips first; the audit line, the redraw and the thread reply follow it, so wait for the last.
    await h.slack.waitFor(
      () => h.threadOf(done).some((m) => m.text.startsWith('Done: restored to')),
      10_000,
      'the Done reply in the thread',
    );
    const status = h.slack.messages.get(`${done.channel}:${done.messageTs}`);
    expect(status?.text).toContain('restored and verified');
    expect(JSON.stringify(status?.blocks)).toContain('size 128.0 KiB');
    expect((await readAudit(h.stateDir, { requestId: r.id })).map((e) => e.type)).toEqual([
      'request',
      'dispatch',
      'result',
    ]);
  });
});
