import type { RunRecord } from '@lifeboat/core';
import { writeRunRecord } from '@lifeboat/runners';
import { viewSubmissionBody } from '@lifeboat/test-support';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../../runners/src/ledger/testing/records.js';
import { readAudit } from '../audit/index.js';
import { MODAL_ACTIONS } from '../messages/index.js';
import { CHANNEL, chooseInForm, ephemeralFor, select, USERS, useHarness } from '../testing/harness.js';

// The form, the text-form mistakes, /backup status, /drill, history and the rate limit, over signed HTTP.

const start = useHarness();

const SNAPSHOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const backupRecord = (startedAt: string): RunRecord =>
  makeRecord({ startedAt, durationSeconds: 30, snapshotId: SNAPSHOT });

describe('/restore form', () => {
  it('opens, redraws on site and subject choices, shows input errors in the form, and submits once', async () => {
    const s = await start();
    await writeRunRecord(s.stateDir, backupRecord(new Date(Date.now() - 3600_000).toISOString()));
    expect((await s.slash(USERS.requester, '/restore', '')).status).toBe(200);
    const opened = await s.slack.waitFor(() => [...s.slack.views.values()][0], 8_000, 'views.open');
    expect(JSON.stringify(opened.view.blocks)).toContain(MODAL_ACTIONS.site);
    expect(JSON.stringify(opened.view.blocks)).not.toContain(MODAL_ACTIONS.reason);

    const state: Record<string, Record<string, unknown>> = {
      site: { [MODAL_ACTIONS.site]: select('lisle') },
    };
    const change = (actionId: string, value: string) => chooseInForm(s, opened, state, actionId, value);
    await change(MODAL_ACTIONS.site, 'lisle');
    const afterSite = JSON.stringify(opened.view.blocks);
    expect(afterSite).toContain('policy:lisle-finance-share');
    expect(afterSite).toContain('policy:lisle-general-share');

    state.subject = { [MODAL_ACTIONS.subject]: select('policy:lisle-finance-share') };
    await change(MODAL_ACTIONS.subject, 'policy:lisle-finance-share');
    const afterSubject = JSON.stringify(opened.view.blocks);
    for (const id of [
      MODAL_ACTIONS.snapshot,
      MODAL_ACTIONS.paths,
      MODAL_ACTIONS.target,
      MODAL_ACTIONS.reason,
    ])
      expect(afterSubject).toContain(id);
    expect(afterSubject).toContain(SNAPSHOT); // the snapshot from the run record is offered

    const submit = (paths: string) =>
      s.send(
        viewSubmissionBody({
          user_id: USERS.requester,
          view: {
            id: opened.id,
            callback_id: 'lifeboat.restore',
            private_metadata: String(opened.view.private_metadata),
            state: {
              ...state,
              snapshot: { [MODAL_ACTIONS.snapshot]: select(SNAPSHOT) },
              paths: { [MODAL_ACTIONS.paths]: { type: 'plain_text_input', value: paths } },
              target: {
                [MODAL_ACTIONS.target]: { type: 'radio_buttons', selected_option: { value: 'alternate' } },
              },
              reason: {
                [MODAL_ACTIONS.reason]: { type: 'plain_text_input', value: 'Q3 workbook overwritten' },
              },
            },
          },
        }),
      );
    const bad = await submit('/etc/shadow');
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { paths: expect.any(String) } });
    expect(await s.bot.deps.store.list()).toHaveLength(0);

    const [good, again] = await Promise.all([
      submit('/srv/shares/finance/q3.xlsx'),
      submit('/srv/shares/finance/q3.xlsx'),
    ]);
    expect([good.status, again.status]).toEqual([200, 200]);
    const r = await s.onlyRequest();
    expect(r).toMatchObject({
      policy: 'lisle-finance-share',
      snapshot: SNAPSHOT,
      paths: ['/srv/shares/finance/q3.xlsx'],
      channel: CHANNEL,
      idempotencyKey: `view:${opened.id}`,
    });
    await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    await new Promise((res) => setTimeout(res, 200));
    expect(await s.bot.deps.store.list()).toHaveLength(1);
  });
});

describe('/restore text form: mistakes are explained, nothing is created', () => {
  it.each([
    ['lisle', 'Name a site and a policy'],
    ['lisle lisle-finance-share notapath -- x', 'neither a snapshot id'],
    ['lisle lisle-finance-share --force -- x', 'Unknown option'],
    ['lisle lisle-finance-share /srv/shares/finance/x', 'draft.no-reason'],
    ['lisle lisle-finance-share /etc/passwd -- x', 'draft.path-outside-sources'],
    ['atlantis lisle-finance-share -- x', 'draft.unknown-site'],
    ['lisle lisle-finance-share 12345 -- x', 'neither a snapshot id'],
    ['lisle lisle-general-share --in-place -- x', 'draft.in-place-not-allowed'],
  ])('%s', async (text, expected) => {
    const s = await start();
    expect((await s.slash(USERS.requester, '/restore', text)).status).toBe(200);
    const e = await ephemeralFor(s, USERS.requester, 'the explanation');
    expect(e.text).toContain(expected);
    expect(await s.bot.deps.store.list()).toHaveLength(0);
    expect(s.github.state.dispatches).toHaveLength(0);
  });

  it('help is answered in the ack itself', async () => {
    const s = await start();
    const reply = await s.slash(USERS.outsider, '/restore', 'help');
    expect(reply.json).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/backup status'),
    });
  });
});

describe('/backup status, /drill, history, rate limit', () => {
  it('/backup status shows the last good backup against the RPO and the runners online', async () => {
    const s = await start();
    await writeRunRecord(s.stateDir, backupRecord(new Date(Date.now() - 3600_000).toISOString()));
    await s.slash(USERS.requester, '/backup', 'status lisle');
    const e = await ephemeralFor(s, USERS.requester, 'the status');
    expect(e.text).toContain('Backup status — lisle');
    expect(e.text).toMatch(/`lisle-finance-share` at lisle: last good (59 min|1 h)/);
    expect(e.text).toContain('RPO 4 h');
    expect(e.text).toMatch(/`lisle-general-share` at lisle: never backed up/);
    expect(e.text).toContain('runner for lisle: 1/1 online');
  });

  it('/backup status of an unknown site says so', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/backup', 'status atlantis');
    expect((await ephemeralFor(s, USERS.requester, 'the answer')).text).toContain('draft.unknown-site');
  });

  it('/drill dispatches the drill workflow without approval', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/drill', 'lisle-finance-share');
    const r = await s.onlyRequest();
    expect(r).toMatchObject({ kind: 'drill', site: 'lisle', policy: 'lisle-finance-share' });
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    expect(s.github.state.dispatches.map((d) => d.workflowId)).toEqual(['drill.yml']);
  });

  it('/restore history lists the asker’s requests only', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/restore', 'lisle lisle-general-share -- templates gone');
    const r = await s.onlyRequest();
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    await s.slash(USERS.requester, '/restore', 'history');
    const e = await ephemeralFor(s, USERS.requester, 'the history');
    expect(e.text).toContain(r.id);
    await s.slash(USERS.approver, '/restore', 'history');
    expect((await ephemeralFor(s, USERS.approver, 'the history')).text).toContain('no restore requests yet');
  });

  it('refuses a user past the per-minute limit, audited, without creating a request', async () => {
    const s = await start({ config: { rateLimitPerMinute: 1 } });
    await s.slash(USERS.requester, '/restore', 'lisle lisle-general-share -- first');
    await s.onlyRequest();
    await s.slash(USERS.requester, '/restore', 'lisle lisle-general-share -- second');
    const e = await ephemeralFor(s, USERS.requester, 'the refusal');
    expect(e.text).toContain('rate.limited');
    expect(await s.bot.deps.store.list()).toHaveLength(1);
    expect((await readAudit(s.stateDir, { type: 'refusal' })).map((x) => x.detail)).toEqual([
      expect.stringContaining('rate.limited'),
    ]);
  });
});
