import {
  type CatalogueEntry,
  formatDuration,
  type Inventory,
  parseDuration,
  type RunRecord,
} from '@lifeboat/core';
import { formatBytes } from '../../tools/disk/space.js';

// The one result message both the runner (GitHub mode) and the bot (local mode) put in the thread: what,
// where, how big, how long against the RTO, a link to the run, or the failure's fix from the catalogue.

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

export interface SlackMessage {
  /** Fallback text for notifications and clients without blocks. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack mrkdwn: only &, < and > are special; escaping them keeps user text from becoming links or mentions. */
export const escapeMrkdwn = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const JOB_WORDS: Partial<Record<RunRecord['job'], string>> = {
  restore: 'Restore',
  'image-restore': 'Image restore',
  drill: 'Restore drill',
};

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** Link in mrkdwn; only http(s) URLs become links. */
const link = (url: string | undefined, label: string): string | undefined =>
  url !== undefined && /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${escapeMrkdwn(label)}>` : undefined;

/** The RTO objective (seconds) of a record's policy or image, for records that do not carry one (restores). */
export const rtoObjectiveOf = (
  inventory: Inventory,
  record: Pick<RunRecord, 'policy' | 'image'>,
): number | undefined => {
  const rto =
    record.policy !== undefined
      ? inventory.policies.find((p) => p.value.metadata.name === record.policy)?.value.spec.objectives?.rto
      : inventory.images.find((i) => i.value.metadata.name === record.image)?.value.spec.objectives?.rto;
  return rto !== undefined ? parseDuration(rto) : undefined;
};

export interface ResultMessageOptions {
  /** The objective when the record has no `rto` (seconds). */
  rtoSeconds?: number;
}

export const restoreResultMessage = (
  record: RunRecord,
  catalogue: Readonly<Record<string, CatalogueEntry>>,
  options: ResultMessageOptions = {},
): SlackMessage => {
  const what = JOB_WORDS[record.job] ?? record.job;
  const subject = record.policy ?? record.image ?? record.site;
  const ok = record.outcome === 'ok';
  const stats = record.stats ?? {};
  const target = typeof stats.target === 'string' ? stats.target : undefined;
  const bytes = typeof stats.restore_bytes === 'number' ? stats.restore_bytes : undefined;
  const files = typeof stats.files_verified === 'number' ? stats.files_verified : undefined;
  const runLink = link(record.links?.workflowRun, 'the run');
  const duration = formatDuration(record.durationSeconds);
  const objective = record.rto?.objectiveSeconds ?? options.rtoSeconds;
  const rtoText =
    objective === undefined
      ? `took ${duration}`
      : record.durationSeconds <= objective
        ? `took ${duration}, within the RTO of ${formatDuration(objective)}`
        : `took ${duration}, over the RTO of ${formatDuration(objective)}`;

  if (ok) {
    const lines = [
      `:white_check_mark: *${what} of ${escapeMrkdwn(subject)} verified* at ${escapeMrkdwn(record.site)}`,
      ...(target !== undefined ? [`*Where:* \`${escapeMrkdwn(target)}\``] : []),
      ...(bytes !== undefined || files !== undefined
        ? [
            `*Size:* ${[
              bytes !== undefined ? formatBytes(bytes) : undefined,
              files !== undefined ? `${files} file(s)` : undefined,
            ]
              .filter(Boolean)
              .join(', ')}`,
          ]
        : []),
      `*Time:* ${rtoText.replace(', over the', ', *over* the')}`,
      ...(record.snapshotId !== undefined ? [`*Snapshot:* \`${record.snapshotId.slice(0, 8)}\``] : []),
    ];
    const verification = record.verification?.details ?? record.verification?.method;
    const foot = [verification !== undefined ? escapeMrkdwn(verification) : undefined, runLink]
      .filter(Boolean)
      .join(' · ');
    return {
      text: `${what} of ${subject} verified at ${record.site} (${rtoText})`,
      blocks: [section(lines.join('\n')), ...(foot !== '' ? [context(foot)] : [])],
    };
  }

  const code = record.error?.code;
  const entry = code !== undefined ? catalogue[code] : undefined;
  const title = entry?.title ?? `ended ${record.outcome}`;
  const lines = [
    `:x: *${what} of ${escapeMrkdwn(subject)} failed* at ${escapeMrkdwn(record.site)}: ${escapeMrkdwn(title)}`,
    ...(record.error?.message !== undefined ? [`> ${escapeMrkdwn(record.error.message.slice(0, 500))}`] : []),
    ...(entry ? [`*Why:* ${escapeMrkdwn(entry.cause)}`, `*Fix:* ${escapeMrkdwn(entry.fix)}`] : []),
    `*Time:* ${duration}`,
  ];
  const foot = [code !== undefined ? `code \`${escapeMrkdwn(code)}\`` : undefined, runLink]
    .filter(Boolean)
    .join(' · ');
  return {
    text: `${what} of ${subject} failed at ${record.site}: ${title}`,
    blocks: [section(lines.join('\n')), ...(foot !== '' ? [context(foot)] : [])],
  };
};

/** The in-flight message: started or at some percent. */
export const restoreProgressMessage = (what: string, percent?: number, runUrl?: string): SlackMessage => {
  const bar =
    percent === undefined
      ? ''
      : ` ${'█'.repeat(Math.round(percent / 10))}${'░'.repeat(10 - Math.round(percent / 10))} ${Math.round(percent)}%`;
  const runLink = link(runUrl, 'the run');
  const text = `:hourglass_flowing_sand: ${escapeMrkdwn(what)}${bar}`;
  return {
    text: `${what}${percent === undefined ? '' : ` ${Math.round(percent)}%`}`,
    blocks: [section(text), ...(runLink ? [context(runLink)] : [])],
  };
};

/** The runner refused the request before running anything (it re-checks what the YAML allows). */
export const refusedMessage = (what: string, reason: string): SlackMessage => ({
  text: `${what}: refused by the runner: ${reason}`,
  blocks: [
    section(
      `:no_entry: *${escapeMrkdwn(what)}: refused by the runner*\n> ${escapeMrkdwn(reason.slice(0, 500))}\nNothing was restored.`,
    ),
  ],
});
