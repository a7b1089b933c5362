import type { RunRecord } from '@lifeboat/core';
import { buildZip, startFakeGitHub } from '@lifeboat/test-support';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../../runners/src/ledger/testing/records.js';
import { MODAL_ACTIONS } from '../messages/index.js';
import { chooseInForm, ephemeralFor, type Harness, select, USERS, useHarness } from '../testing/harness.js';

// GitHub mode: the runner's records exist only in its published artifact (lifeboat-records-<site>), never in
// the bot's state directory; /backup status and the restore form must still see them.

const start = useHarness();

const SNAPSHOT = 'f00dfeed0123456789abcdef0123456789abcdef0123456789abcdef01234567';
const recordAt = (startedAt: string): RunRecord =>
  makeRecord({ startedAt, durationSeconds: 30, snapshotId: SNAPSHOT });

const publish = (s: Harness, runs: RunRecord[]) =>
  s.github.addArtifact({
    owner: s.config.github?.owner ?? '',
    repo: s.config.github?.repo ?? '',
    name: 'lifeboat-records-lisle',
    zip: buildZip([{ name: 'records.json', data: JSON.stringify({ version: 1, runs, problems: [] }) }]),
  });

describe('run records published as GitHub artifacts', () => {
  it('/backup status shows the age of a backup known only from the artifact', async () => {
    const s = await start();
    publish(s, [recordAt(new Date(Date.now() - 3600_000).toISOString())]);
    await s.slash(USERS.requester, '/backup', 'status lisle');
    const e = await ephemeralFor(s, USERS.requester, 'the status');
    expect(e.text).toMatch(/`lisle-finance-share` at lisle: last good (59 min|1 h)/);
    expect(e.text).toMatch(/`lisle-general-share` at lisle: never backed up/);
    expect(e.text).not.toContain('could not be asked');
    const zips = s.github.requests.filter((r) => r.server === 'storage');
    expect(zips).toHaveLength(1);
    expect(zips[0]?.headers.authorization).toBeUndefined();
  });

  it("the restore form offers the artifact record's snapshot", async () => {
    const s = await start();
    publish(s, [recordAt(new Date(Date.now() - 7200_000).toISOString())]);
    await s.slash(USERS.requester, '/restore', '');
    const opened = await s.slack.waitFor(() => [...s.slack.views.values()][0], 8_000, 'views.open');
    const state: Record<string, Record<string, unknown>> = {
      site: { [MODAL_ACTIONS.site]: select('lisle') },
      subject: { [MODAL_ACTIONS.subject]: select('policy:lisle-finance-share') },
    };
    await chooseInForm(s, opened, state, MODAL_ACTIONS.subject, 'policy:lisle-finance-share');
    const blocks = JSON.stringify(opened.view.blocks);
    expect(blocks).toContain(MODAL_ACTIONS.snapshot);
    expect(blocks).toContain(SNAPSHOT);
  });

  it('GitHub unreachable: /backup status still answers, with one line saying so', async () => {
    const dead = await startFakeGitHub();
    const deadUrl = dead.url;
    await dead.close();
    const s = await start({
      config: {
        github: {
          token: 'gh-test-token',
          owner: 'kestrel',
          repo: 'infra',
          workflow: 'restore.yml',
          drillWorkflow: 'drill.yml',
          baseUrl: deadUrl,
        },
      },
    });
    await s.slash(USERS.requester, '/backup', 'status lisle');
    const e = await ephemeralFor(s, USERS.requester, 'the status');
    expect(e.text).toContain('Backup status — lisle');
    expect(e.text).toMatch(/`lisle-finance-share` at lisle: never backed up/);
    const notes = e.text
      .split('\n')
      .filter((l) => l.includes("GitHub could not be asked for the sites' run records"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('showing what is known');
    expect(e.text).not.toContain('gh-test-token');
  });
});
