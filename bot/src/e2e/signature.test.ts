import { signSlackRequest, slashCommandBody } from '@lifeboat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, type Harness, startHarness, USERS } from '../testing/harness.js';

// Bolt's signature check stays on in every test: these prove it refuses what Slack did not sign, or signed
// too long ago, before any listener runs.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const body = () =>
  slashCommandBody({
    command: '/restore',
    text: 'lisle lisle-general-share -- need it',
    user_id: USERS.requester,
    channel_id: CHANNEL,
    trigger_id: h.slack.newTriggerId(),
    response_url: h.slack.newResponseUrl(),
  });

const nothingHappened = async () => {
  await new Promise((r) => setTimeout(r, 150));
  expect(await h.bot.deps.store.list()).toHaveLength(0);
  expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  expect(h.github.state.dispatches).toHaveLength(0);
};

describe('request signatures', () => {
  it('rejects a forged signature with 401 and creates nothing', async () => {
    const forged = signSlackRequest('not-the-secret', body());
    const reply = await h.send(body(), { signature: forged['x-slack-signature'] });
    expect(reply.status).toBe(401);
    await nothingHappened();
  });

  it('rejects a body changed after signing', async () => {
    const signed = body();
    const sig = signSlackRequest('test-signing-secret', signed)['x-slack-signature'];
    const tampered = signed.replace('lisle-general-share', 'lisle-finance-share');
    expect((await h.send(tampered, { signature: sig })).status).toBe(401);
    await nothingHappened();
  });

  it('rejects a correctly signed request older than five minutes (replay)', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await h.send(body(), { timestamp: stale })).status).toBe(401);
    await nothingHappened();
  });

  it('rejects a request without signature headers', async () => {
    const res = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(),
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(401);
    await nothingHappened();
  });

  it('accepts the same request signed with the secret within the window', async () => {
    const fresh = Math.floor(Date.now() / 1000) - 4 * 60;
    expect((await h.send(body(), { timestamp: fresh })).status).toBe(200);
    await h.onlyRequest();
  });
});
