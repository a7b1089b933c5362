// `lifeboat run` for a bot request dispatched through GitHub: tell the request's Slack thread what happens,
// updating the bot's ONE status message (SLACK_BOT_TOKEN from the runner's environment only).
import { readFile } from 'node:fs/promises';
import type { Inventory, RunRecord } from '@lifeboat/core';
import type { JobRequest, RunEvent, RunSummary } from '@lifeboat/runners';

export interface SlackFlags {
  slackChannel?: string;
  slackThread?: string;
  slackMessage?: string;
}

export interface RunNotify {
  onEvent: (event: RunEvent) => void;
  /** After the run: the result (or the refusal), awaited so the process does not exit before Slack heard it. */
  finish: (summary: RunSummary) => Promise<void>;
}

const NONE: RunNotify = { onEvent: () => undefined, finish: async () => undefined };

/** Notifications for a requested job, or no-ops when no channel was given. */
export const runNotify = async (
  flags: SlackFlags,
  request: JobRequest | undefined,
  inventory: Inventory,
  site: string,
  links: { workflowRun?: string } | undefined,
  warn: (message: string) => void,
): Promise<RunNotify> => {
  if (request === undefined) return NONE;
  const runners = await import('@lifeboat/runners');
  const { notifier, problem } = runners.slackNotifierFromEnv(
    process.env,
    {
      ...(flags.slackChannel !== undefined ? { channel: flags.slackChannel } : {}),
      ...(flags.slackThread !== undefined ? { thread: flags.slackThread } : {}),
      ...(flags.slackMessage !== undefined ? { message: flags.slackMessage } : {}),
    },
    {
      catalogue: runners.RUNNER_CATALOGUE,
      ...(links?.workflowRun !== undefined ? { runUrl: links.workflowRun } : {}),
      onNote: (m) => warn(m),
    },
  );
  if (problem !== undefined) warn(problem);
  if (!notifier) return NONE;
  const { subject } = request;
  const what = `${request.job === 'drill' ? 'Restore drill' : subject.kind === 'image' ? 'Image restore' : 'Restore'} of ${subject.name} at ${site}`;
  const rtoSeconds = runners.rtoObjectiveOf(
    inventory,
    subject.kind === 'policy' ? { policy: subject.name } : { image: subject.name },
  );
  return {
    onEvent: (event) => {
      if (event.event === 'job-start') void notifier.started(what);
      else if (event.event === 'job' && event.type === 'progress' && event.percent !== undefined)
        void notifier.progress(event.percent);
    },
    finish: async (summary) => {
      if (summary.error !== undefined) return notifier.refused(summary.error);
      const file = summary.jobs[0]?.recordFiles[0];
      const record = file
        ? await readFile(file, 'utf8').then(
            (t) => JSON.parse(t) as RunRecord,
            () => undefined,
          )
        : undefined;
      if (record) return notifier.finished(record, rtoSeconds !== undefined ? { rtoSeconds } : {});
      return notifier.refused(summary.jobs[0]?.error?.message ?? 'the run wrote no record');
    },
  };
};
