import type { App, BlockAction } from '@slack/bolt';
import {
  APPROVE_ACTION,
  DENY_ACTION,
  MODAL_ACTIONS,
  type ModalChoice,
  readChoice,
  restoreModal,
  type SnapshotOption,
} from '../messages/index.js';
import { readMergedRecords } from '../records/index.js';
import { work } from './commands.js';
import type { BotDeps } from './deps.js';
import { decideRequest } from './flow.js';

// Button clicks and form changes. Approve/Deny go through the store's atomic transition, so a double click
// or a Slack retry decides once; site and subject changes redraw the form with views.update.

const metaChannel = (meta: string | undefined): string => {
  try {
    const v: unknown = JSON.parse(meta ?? '{}');
    const c = (v as { channel?: unknown }).channel;
    return typeof c === 'string' ? c : '';
  } catch {
    return '';
  }
};

/** Snapshot ids of successful backups of the chosen policy, newest first, from the run records. */
const snapshotsFor = async (deps: BotDeps, choice: ModalChoice): Promise<SnapshotOption[]> => {
  if (!choice.site || !choice.subject?.startsWith('policy:')) return [];
  const policy = choice.subject.slice('policy:'.length);
  // GitHub mode: the site's published records first (bounded wait; on failure, what is known is offered).
  const { note } = await deps.records.refresh([choice.site]);
  if (note !== undefined) deps.logger.warn(`lifeboat: snapshot picker: ${note}`);
  const { records } = await readMergedRecords(deps.records.stateDirs, {
    site: choice.site,
    policy,
    job: 'backup',
    outcome: 'ok',
  });
  return records
    .filter((r) => r.snapshotId !== undefined)
    .reverse()
    .map((r) => ({ id: r.snapshotId ?? '', at: r.startedAt }));
};

export const register = (app: App, deps: BotDeps): void => {
  for (const [action, verb] of [
    [APPROVE_ACTION, 'approve'],
    [DENY_ACTION, 'deny'],
  ] as const) {
    app.action<BlockAction>(action, async ({ ack, body, action: a }) => {
      await ack();
      const requestId = 'value' in a && typeof a.value === 'string' ? a.value : '';
      const asker = { user: body.user.id, channel: body.channel?.id ?? body.container?.channel_id ?? '' };
      await work(deps, asker, () => decideRequest(deps, requestId, verb, asker));
    });
  }

  app.action<BlockAction>(/^lifeboat\.modal\./, async ({ ack, body, action }) => {
    await ack();
    const view = body.view;
    if (!view || (action.action_id !== MODAL_ACTIONS.site && action.action_id !== MODAL_ACTIONS.subject))
      return;
    const asker = { user: body.user.id, channel: metaChannel(view.private_metadata) };
    await work(deps, asker, async () => {
      const inventory = await deps.inventory();
      const choice = readChoice(view.state.values as never);
      // A subject from another site would be stale after a site change: drop it.
      if (choice.subject !== undefined && choice.site !== undefined) {
        const [kind, name] = choice.subject.split(/:(.*)/s);
        const belongs =
          kind === 'policy'
            ? inventory.policies.some(
                (p) => p.value.metadata.name === name && p.value.spec.site === choice.site,
              )
            : inventory.images.some(
                (i) => i.value.metadata.name === name && i.value.spec.site === choice.site,
              );
        if (!belongs) delete choice.subject;
      }
      const next = restoreModal(
        inventory,
        choice,
        { channel: asker.channel },
        await snapshotsFor(deps, choice),
      );
      try {
        await deps.slack.views.update({ view_id: view.id, hash: view.hash, view: next });
      } catch (err) {
        // hash_conflict: a newer change is already on its way and will redraw the form.
        deps.logger.debug(`views.update skipped: ${(err as Error).message}`);
      }
    });
  });
};
