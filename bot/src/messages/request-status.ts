import { disk } from '@lifeboat/runners';
import type { BotRequest, RequestState } from '../requests/index.js';
import { explain } from './explain.js';
import { clip, escapeMrkdwn, humanDuration, mention } from './slack-text.js';

// The ONE status message of a request: posted when it is made, updated as it moves (approval, start,
// progress, result), so the channel shows one line per restore, never a stream.

export const APPROVE_ACTION = 'lifeboat.approve';
export const DENY_ACTION = 'lifeboat.deny';

const LABEL: Record<RequestState, string> = {
  'pending-approval': ':hourglass_flowing_sand: waiting for approval',
  approved: ':white_check_mark: approved, starting',
  dispatched: ':rocket: started',
  running: ':arrows_counterclockwise: running',
  succeeded: ':white_check_mark: restored and verified',
  failed: ':x: failed',
  denied: ':no_entry: denied',
  expired: ':hourglass: expired without approval',
  refused: ':no_entry: refused',
};

/** What the request restores, in words: `policy lisle-finance-share (latest, 2 paths)`. */
export const describeSubject = (r: Pick<BotRequest, 'kind' | 'policy' | 'image' | 'snapshot' | 'paths'>) => {
  const what = r.image !== undefined ? `image *${r.image}*` : `policy *${r.policy ?? '?'}*`;
  const paths =
    r.paths.length === 0 ? 'whole snapshot' : r.paths.length === 1 ? '1 path' : `${r.paths.length} paths`;
  const verb = r.kind === 'drill' ? 'Drill of' : 'Restore of';
  return `${verb} ${what} (snapshot \`${r.snapshot}\`, ${paths})`;
};

export interface StatusExtras {
  /** Approvers to name while pending. */
  approvers?: readonly string[];
  /** Where the data lands (the policy's alternate target or the original paths). */
  destination?: string;
  /** Progress line while running. */
  progress?: string;
  /** The policy's RTO in seconds, to compare the duration with. */
  rtoSeconds?: number;
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** The status message for `request` as it stands now. */
export const requestStatusMessage = (request: BotRequest, extras: StatusExtras = {}): SlackMessage => {
  const r = request;
  const head = `${describeSubject(r)} at site *${r.site}* for ${mention(r.requester)}: *${LABEL[r.state]}*`;
  const lines: string[] = [];
  const dest = extras.destination ? ` \`${escapeMrkdwn(extras.destination)}\`` : '';
  lines.push(
    `Where: ${r.target === 'in-place' ? 'in place, over the live data' : `the alternate target${dest}`}`,
  );
  if (r.paths.length > 0)
    lines.push(
      `Paths: ${r.paths
        .slice(0, 10)
        .map((p) => `\`${escapeMrkdwn(p)}\``)
        .join(', ')}${r.paths.length > 10 ? ' …' : ''}`,
    );
  lines.push(`Reason: ${escapeMrkdwn(r.reason)}`);
  if (r.state === 'pending-approval' && extras.approvers?.length)
    lines.push(
      `Approvers: ${extras.approvers.map(mention).join(', ')}${r.expiresAt ? ` (until ${r.expiresAt})` : ''}`,
    );
  if (r.approver) lines.push(`Approved by ${mention(r.approver)}`);
  if (extras.progress && (r.state === 'dispatched' || r.state === 'running')) lines.push(extras.progress);
  if (r.result) {
    const res = r.result;
    const parts = [escapeMrkdwn(res.summary)];
    if (res.bytes !== undefined) parts.push(`size ${disk.formatBytes(res.bytes)}`);
    if (res.durationSeconds !== undefined) {
      const rto = extras.rtoSeconds;
      parts.push(
        `took ${humanDuration(res.durationSeconds)}${rto !== undefined ? ` (RTO ${humanDuration(rto)}: ${res.durationSeconds <= rto ? 'met' : '*missed*'})` : ''}`,
      );
    }
    lines.push(`Result: ${parts.join(' — ')}`);
    if (res.code && res.outcome !== 'ok') lines.push(explain(res.code));
  }
  if (r.dispatch?.runUrl)
    lines.push(`<${r.dispatch.runUrl}|Run ${r.dispatch.runId ?? ''}> (${r.dispatch.dispatcher})`);
  lines.push(`Request \`${r.id}\``);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', block_id: 'status', text: { type: 'mrkdwn', text: clip(head) } },
    { type: 'section', block_id: 'details', text: { type: 'mrkdwn', text: clip(lines.join('\n')) } },
  ];
  if (r.state === 'pending-approval') {
    blocks.push({
      type: 'actions',
      block_id: 'approval',
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: r.id,
        },
        {
          type: 'button',
          action_id: DENY_ACTION,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: r.id,
        },
      ],
    });
  }
  const text = `${describeSubject(r).replace(/\*/g, '')} at site ${r.site}: ${LABEL[r.state].replace(/^:[a-z_]+: /, '')} (${r.id})`;
  return { text, blocks };
};
