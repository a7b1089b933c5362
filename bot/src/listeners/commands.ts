import { buildReport, DEFAULT_REPORT_WINDOW_SECONDS } from '@lifeboat/runners';
import type { App } from '@slack/bolt';
import { backupStatusText, explain, HELP_TEXT, historyText, restoreModal } from '../messages/index.js';
import { loadMergedLedgerView } from '../records/index.js';
import type { BotDeps } from './deps.js';
import { type Asker, submitRequest, tell } from './flow.js';
import { parseRestoreText } from './text-form.js';

// Slash commands: /restore (form, text form, history, help), /backup status, /drill. Each acks at once —
// before any disk or network I/O — and does the work afterwards.

/** Slack retries a slash command with the same trigger_id when the ack was slow: one key per command. */
const keyOf = (body: { trigger_id: string; user_id: string; command: string; text: string }) =>
  `cmd:${body.trigger_id}`;

export const register = (app: App, deps: BotDeps): void => {
  app.command('/restore', async ({ ack, body }) => {
    const text = body.text.trim();
    if (text === 'help' || text === '--help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    await ack();
    const asker: Asker = { user: body.user_id, channel: body.channel_id };
    await work(deps, asker, async () => {
      if (text === '') {
        const view = restoreModal(await deps.inventory(), {}, { channel: body.channel_id });
        await deps.slack.views.open({ trigger_id: body.trigger_id, view });
        return;
      }
      if (text === 'history') {
        await tell(deps, asker, historyText(await deps.store.list({ requester: body.user_id })));
        return;
      }
      const parsed = parseRestoreText(await deps.inventory(), text);
      if (!parsed.ok) {
        await tell(deps, asker, `${parsed.message}\n\n${HELP_TEXT}`);
        return;
      }
      await submitRequest(deps, { draft: parsed.draft, asker, idempotencyKey: keyOf(body) });
    });
  });

  app.command('/backup', async ({ ack, body }) => {
    const [sub, site, ...extra] = body.text.trim().split(/\s+/).filter(Boolean);
    if (sub !== 'status' || extra.length > 0) {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    await ack();
    const asker: Asker = { user: body.user_id, channel: body.channel_id };
    await work(deps, asker, async () => {
      const inventory = await deps.inventory();
      if (site !== undefined && !inventory.sites.some((s) => s.value.metadata.name === site)) {
        await tell(deps, asker, explain('draft.unknown-site', `no site named \`${site.slice(0, 63)}\``));
        return;
      }
      const now = deps.now();
      const names = inventory.sites
        .map((s) => s.value.metadata.name)
        .filter((n) => site === undefined || n === site);
      // GitHub mode: the sites' records arrive as artifacts; bring them in first (bounded), then read all.
      const { note } = await deps.records.refresh(names);
      const view = await loadMergedLedgerView(
        deps.records.stateDirs,
        names,
        now,
        DEFAULT_REPORT_WINDOW_SECONDS,
      );
      const report = buildReport(inventory, view, site === undefined ? { now } : { now, site });
      let runners: Parameters<typeof backupStatusText>[1];
      if (deps.runners) {
        try {
          runners = (await deps.runners()).filter((r) => site === undefined || r.site === site);
        } catch (err) {
          runners = { unavailable: (err as Error).message.slice(0, 120) };
        }
      }
      const text = backupStatusText(report.rows, runners, site);
      await tell(deps, asker, note === undefined ? text : `${text}\n_${note}_`);
    });
  });

  app.command('/drill', async ({ ack, body }) => {
    const words = body.text.trim().split(/\s+/).filter(Boolean);
    if (words.length !== 1 || words[0] === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    await ack();
    const name = words[0] ?? '';
    const asker: Asker = { user: body.user_id, channel: body.channel_id };
    await work(deps, asker, async () => {
      const policy = (await deps.inventory()).policies.find((p) => p.value.metadata.name === name);
      if (!policy) {
        await tell(deps, asker, explain('draft.unknown-policy', `no policy named \`${name.slice(0, 63)}\``));
        return;
      }
      await submitRequest(deps, {
        draft: {
          kind: 'drill',
          site: policy.value.spec.site,
          policy: name,
          snapshot: 'latest',
          paths: [],
          target: 'alternate',
          reason: 'drill requested from Slack',
        },
        asker,
        idempotencyKey: keyOf(body),
      });
    });
  });
};

/** Runs work after an ack, tracked for a clean stop; a crash is logged and told, never thrown at Bolt. */
export const work = async (deps: BotDeps, asker: Asker, fn: () => Promise<void>): Promise<void> => {
  const p = deps.queue.run(fn).catch(async (err: unknown) => {
    deps.logger.error(`lifeboat: ${(err as Error).stack ?? String(err)}`);
    await tell(
      deps,
      asker,
      explain('dispatch.crashed', 'the bot hit an unexpected error; nothing was dispatched by this step'),
    );
  });
  deps.track(p);
  await p;
};
