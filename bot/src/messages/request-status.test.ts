import { describe, expect, it } from 'vitest';
import type { BotRequest } from '../requests/index.js';
import { APPROVE_ACTION, requestStatusMessage } from './request-status.js';

const base: BotRequest = {
  id: 'rq_aaaaaaaaaaaaaaaa',
  idempotencyKey: 'k',
  kind: 'restore',
  site: 'lisle',
  policy: 'lisle-finance-share',
  snapshot: 'latest',
  paths: ['/srv/shares/finance/q3.xlsx'],
  target: 'alternate',
  reason: 'ping <!channel> & see <https://evil.example|this>',
  requester: 'U0REQUEST1',
  channel: 'C1',
  createdAt: '2026-11-22T08:00:00Z',
  state: 'pending-approval',
  history: [],
};

describe('the status message', () => {
  it('escapes what users typed so it cannot ping a channel or fake a link', () => {
    const text = JSON.stringify(requestStatusMessage(base).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; see &lt;https://evil.example|this&gt;');
  });

  it('has approval buttons only while pending, carrying the request id', () => {
    const pending = JSON.stringify(
      requestStatusMessage(base, { approvers: ['U0APPROVE1', 'S0GROUP01'] }).blocks,
    );
    expect(pending).toContain(APPROVE_ACTION);
    expect(pending).toContain('"value":"rq_aaaaaaaaaaaaaaaa"');
    expect(pending).toContain('<!subteam^S0GROUP01>');
    const done = requestStatusMessage({ ...base, state: 'succeeded' });
    expect(JSON.stringify(done.blocks)).not.toContain(APPROVE_ACTION);
  });

  it('shows the result: size, duration against the RTO, and the catalogue fix on failure', () => {
    const ok = requestStatusMessage(
      {
        ...base,
        state: 'succeeded',
        result: {
          outcome: 'ok',
          summary: 'restored to /srv/r verified',
          bytes: 5 * 1024 * 1024,
          durationSeconds: 90,
        },
      },
      { rtoSeconds: 3600 },
    );
    expect(JSON.stringify(ok.blocks)).toContain('size 5.0 MiB — took 1 min 30 s (RTO 1 h: met)');
    const failed = requestStatusMessage({
      ...base,
      state: 'failed',
      result: { outcome: 'failed', code: 'runner.offline', summary: 'not started' },
    });
    expect(JSON.stringify(failed.blocks)).toContain('Site runner offline');
    expect(JSON.stringify(failed.blocks)).toContain('*Fix:*');
    expect(failed.text).toContain('failed');
  });
});
